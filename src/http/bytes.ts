import { headerValue, JSON_TYPE, etagOf, taggedVersions } from './headers.js';
import { holdWhileUnchanged, preferredWait, type ChangeSource } from './wait.js';
import type { PersonasRequest, PersonasResponse, PoolAccess } from './types.js';
import type { PoolSnapshot } from '../pool/snapshot.js';
import { serialize } from '../pool/validate.js';
import { ABSENT_VERSION, versionOf } from '../version.js';

/** The media type of the stored-bytes representation of the pool. */
export const BYTES_TYPE = 'application/octet-stream';
const NO_CACHE = 'no-cache';

/** The stored bytes of each snapshot, made once: null where they are not the pool's own serialization. */
const stored = new WeakMap<PoolSnapshot, Buffer | null>();

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

/** The bytes the store holds for a snapshot: its personas serialized as the pool writes them, when that is its version. */
function bytesOf(snapshot: PoolSnapshot): Buffer | null {
  let bytes = stored.get(snapshot);
  if (bytes === undefined) {
    const made = snapshot.problem === null ? serialize(snapshot.personas) : undefined;
    bytes = made !== undefined && versionOf(made) === snapshot.version ? Buffer.from(made.buffer, made.byteOffset, made.byteLength) : null;
    stored.set(snapshot, bytes);
  }
  return bytes;
}

/**
 * The bytes answer of one snapshot: 304 when `If-None-Match` lists its version; 204 with the ETag
 * `"absent"` for a pool that holds nothing yet; 200 with the bytes; 409 `{ detail, code }` for content
 * the pool did not write itself (edited by hand, or unusable), which cannot be served as bytes.
 */
function answer(snapshot: PoolSnapshot, request: PersonasRequest): PersonasResponse {
  const { version } = snapshot;
  const etag = etagOf(version);
  const known = taggedVersions(headerValue(request.headers, 'if-none-match'));
  if (known.includes('*') || known.includes(version)) return { status: 304, headers: { etag, 'cache-control': NO_CACHE }, body: null };
  if (version === ABSENT_VERSION) return { status: 204, headers: { etag, 'cache-control': NO_CACHE }, body: null };
  const bytes = bytesOf(snapshot);
  if (bytes === null) {
    const detail = `The persona pool ${snapshot.path} holds content it did not write itself (${snapshot.problem?.code ?? 'edited by hand'}): re-import it (persona-pool import) so that remote pools can follow it`;
    return { status: 409, headers: { 'content-type': JSON_TYPE, etag, 'cache-control': NO_CACHE }, body: Buffer.from(JSON.stringify({ detail, code: 'NOT_STORED_BYTES' })) };
  }
  const headers = { 'content-type': BYTES_TYPE, 'content-length': String(bytes.byteLength), etag, 'cache-control': NO_CACHE };
  return { status: 200, headers, body: request.method === 'HEAD' ? null : bytes };
}

function tellsChanges(pool: PoolAccess): pool is PoolAccess & ChangeSource {
  return typeof pool.changes === 'function';
}

/**
 * Answers a GET or HEAD that asks for the stored bytes (`Accept: application/octet-stream`), the role
 * already checked: the same ETag, conditional request and long poll (`Prefer: wait=N`) as the JSON list.
 *
 * @param pool - The pool.
 * @param request - The request.
 * @param maxWait - The longest hold, in seconds; 0: never hold.
 * @returns The answer.
 */
export async function readBytes(pool: PoolAccess, request: PersonasRequest, maxWait: number): Promise<PersonasResponse> {
  const response = answer(await pool.snapshot(), request);
  if (response.status !== 304 || maxWait === 0 || !tellsChanges(pool)) return response;
  const seconds = preferredWait(request.headers, maxWait);
  if (seconds === 0) return response;
  return holdWhileUnchanged(pool, seconds, request.signal, (snapshot) => answer(snapshot, request));
}
