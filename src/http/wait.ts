import { PersonaPoolError } from '../errors.js';
import { headerValue, type RequestHeaders } from './headers.js';
import type { PoolSnapshot } from '../pool/snapshot.js';
import type { Answer, ChangeSource, Holds } from './holds.js';
import type { PersonasRequest, PersonasResponse, PoolAccess } from './types.js';

/** The default cap of `Prefer: wait`, in seconds. */
export const DEFAULT_MAX_WAIT_SECONDS = 30;
/** The largest cap: what a timer can hold (2^31 - 1 ms). */
const MOST_WAIT_SECONDS = 2_147_483;

export type { ChangeSource } from './holds.js';

/**
 * Checks the handler option `maxWaitSeconds`: undefined means the default.
 *
 * @param value - The option as given.
 * @returns The cap in seconds; 0 disables holding.
 * @throws {PersonaPoolError} `INVALID_OPTION` unless a whole number from 0 to 2,147,483.
 */
export function maxWaitOf(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_WAIT_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MOST_WAIT_SECONDS) {
    throw new PersonaPoolError('INVALID_OPTION', `The persona handler option maxWaitSeconds must be a whole number of seconds from 0 to ${MOST_WAIT_SECONDS}, got ${String(value)}`);
  }
  return value;
}

/** The value of the first `wait` preference in a `Prefer` value, or undefined (RFC 7240: only the first counts). */
function waitPreference(header: string): string | undefined {
  for (const preference of header.split(',')) {
    const [token = '', ...rest] = (preference.split(';')[0] ?? '').split('=');
    if (token.trim().toLowerCase() !== 'wait') continue;
    const value = rest.join('=').trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/**
 * The wait a request asks for with `Prefer: wait=N` (RFC 7240), capped.
 *
 * @param headers - The request headers.
 * @param maxWait - The cap, in seconds.
 * @returns The seconds to hold the request; 0 for none (no preference, or a malformed one).
 */
export function preferredWait(headers: RequestHeaders | undefined, maxWait: number): number {
  const header = headerValue(headers, 'prefer');
  const value = header === undefined ? undefined : waitPreference(header);
  if (value === undefined || !/^\d+$/.test(value)) return 0;
  return Math.min(Number(value), maxWait);
}

/**
 * Holds a request while its answer would be 304: until a new version of the pool answers otherwise,
 * `seconds` pass, `signal` aborts or the pool closes. The holds of a handler share one subscription
 * and one timer, which does not keep the process alive.
 *
 * @param holds - The handler's holds of its pool.
 * @param seconds - The longest hold.
 * @param signal - The request's, if any: its abort ends the hold.
 * @param respond - The answer to a snapshot.
 * @returns The first answer that is not 304, or the 304 of the last version; with `Preference-Applied`.
 */
export function holdWhileUnchanged<R extends Answer>(holds: Holds, seconds: number, signal: AbortSignal | undefined, respond: (snapshot: PoolSnapshot) => R): Promise<R> {
  return holds.hold(respond, undefined, seconds, signal);
}

/**
 * How long to hold a GET's answer: the seconds of its `Prefer: wait=N` when the answer is a 304, the
 * handler allows holding (`maxWait` > 0) and the pool can tell of its changes (a host may pass an
 * object with `snapshot` and `replace` only); else 0, answer at once.
 *
 * @param pool - The pool.
 * @param request - The request.
 * @param maxWait - The handler's longest hold, in seconds.
 * @param response - The answer as it stands.
 * @returns The seconds to hold it; 0 for none.
 */
export function holdFor(pool: PoolAccess, request: PersonasRequest, maxWait: number, response: PersonasResponse): number {
  if (response.status !== 304 || maxWait === 0 || typeof (pool as Partial<ChangeSource>).changes !== 'function') return 0;
  return preferredWait(request.headers, maxWait);
}
