import { headerValue, JSON_TYPE, etagOf, taggedVersions } from './headers.js';
import type { Holds } from './holds.js';
import { holdFor, holdWhileUnchanged } from './wait.js';
import type { PersonasRequest, PersonasResponse, PoolAccess } from './types.js';
import { storedBytes, type PoolSnapshot } from '../pool/snapshot.js';
import { serialize } from '../pool/validate.js';
import { ABSENT_VERSION, versionOf } from '../version.js';

/** The media type of the stored-bytes representation of the pool. */
export const BYTES_TYPE = 'application/octet-stream';
const NO_CACHE = 'no-cache';

/** The bytes of each snapshot made elsewhere than the pool, made once: null where they cannot be known. */
const remade = new WeakMap<PoolSnapshot, Buffer | null>();

/**
 * Whether a GET or HEAD asks for the stored bytes: its `Accept` names `application/octet-stream`
 * and not JSON (a client that accepts both gets the JSON list, as before).
 *
 * @param request - The request.
 * @returns True for the bytes representation.
 */
export function wantsBytes(request: PersonasRequest): boolean {
  const accept = headerValue(request.headers, 'accept')?.toLowerCase();
  return accept !== undefined && accept.includes(BYTES_TYPE) && !accept.includes('json');
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * The bytes the store holds for a snapshot: those the pool read or wrote, exactly (whatever they hold:
 * valid, partly invalid, not JSON). A snapshot the pool did not make (a host's own `PoolAccess`): its
 * personas serialized as the pool writes them, when that is its version. Null when unknown.
 */
function bytesOf(snapshot: PoolSnapshot): Buffer | null {
  const held = storedBytes(snapshot);
  if (held !== undefined) return asBuffer(held);
  let bytes = remade.get(snapshot);
  if (bytes === undefined) {
    const made = snapshot.problem === null ? serialize(snapshot.personas) : undefined;
    bytes = made !== undefined && versionOf(made) === snapshot.version ? asBuffer(made) : null;
    remade.set(snapshot, bytes);
  }
  return bytes;
}

/**
 * The bytes answer of one snapshot: 304 when `If-None-Match` lists its version; 204 with the ETag
 * `"absent"` for a pool that holds nothing yet; 200 with the bytes; 409 `{ detail, code, problem }`
 * for a pool that has no bytes to serve (its store's `UNREADABLE` or `TOO_LARGE`).
 */
function answer(snapshot: PoolSnapshot, request: PersonasRequest): PersonasResponse {
  const { version } = snapshot;
  const etag = etagOf(version);
  const known = taggedVersions(headerValue(request.headers, 'if-none-match'));
  if (known.includes('*') || known.includes(version)) return { status: 304, headers: { etag, 'cache-control': NO_CACHE }, body: null };
  if (version === ABSENT_VERSION) return { status: 204, headers: { etag, 'cache-control': NO_CACHE }, body: null };
  const bytes = bytesOf(snapshot);
  if (bytes === null) {
    const problem = snapshot.problem?.code ?? 'UNREADABLE';
    const detail = `The persona pool ${snapshot.path} has no content to serve as bytes (${problem}): fix or re-import it (persona-pool import) so that remote pools can follow it`;
    return { status: 409, headers: { 'content-type': JSON_TYPE, etag, 'cache-control': NO_CACHE }, body: Buffer.from(JSON.stringify({ detail, code: 'NOT_STORED_BYTES', problem })) };
  }
  const headers = { 'content-type': BYTES_TYPE, 'content-length': String(bytes.byteLength), etag, 'cache-control': NO_CACHE };
  return { status: 200, headers, body: request.method === 'HEAD' ? null : bytes };
}

/**
 * Answers a GET or HEAD that asks for the stored bytes (`Accept: application/octet-stream`), the role
 * already checked: the same ETag, conditional request and long poll (`Prefer: wait=N`) as the JSON list.
 *
 * @param pool - The pool.
 * @param request - The request.
 * @param maxWait - The longest hold, in seconds; 0: never hold.
 * @param holds - The handler's holds of the pool (shared with its JSON GETs).
 * @returns The answer.
 */
export async function readBytes(pool: PoolAccess, request: PersonasRequest, maxWait: number, holds: () => Holds): Promise<PersonasResponse> {
  const response = answer(await pool.snapshot(), request);
  const seconds = holdFor(pool, request, maxWait, response);
  if (seconds === 0) return response;
  return holdWhileUnchanged(holds(), seconds, request.signal, (snapshot) => answer(snapshot, request));
}
