import { PersonaPoolError } from '../../errors.js';
import type { PoolProblem } from '../types.js';
import type { Answer } from './http.js';

/** The media type of the stored bytes (the API's `Accept: application/octet-stream` representation). */
export const BYTES_TYPE = 'application/octet-stream';

/**
 * The version an answer's ETag carries: the quotes and a weak prefix dropped.
 *
 * @param headers - The answer's headers.
 * @returns The version, or undefined without an ETag.
 */
export function etagVersion(headers: Headers): string | undefined {
  const etag = headers.get('etag')?.trim();
  if (etag === undefined || etag === '') return undefined;
  const strong = etag.startsWith('W/') ? etag.slice(2) : etag;
  return strong.length >= 2 && strong.startsWith('"') && strong.endsWith('"') ? strong.slice(1, -1) : strong;
}

/**
 * The `detail` of an error answer `{ detail }`, cut short and kept to printable text; none when absent.
 *
 * @param answer - The answer.
 * @returns ` (the detail)` or empty.
 */
export function detailOf(answer: Answer): string {
  try {
    const detail = (JSON.parse(Buffer.from(answer.bytes).toString('utf8')) as { detail?: unknown }).detail;
    return typeof detail === 'string' ? `: ${detail.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?').slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

/**
 * The problem of a 409 answer to a read of the stored bytes (the API's pool has no bytes to serve):
 * the API pool's own problem code (`TOO_LARGE`, `UNREADABLE`) and its `detail`.
 *
 * @param answer - The 409 answer.
 * @param where - The API's URL without credentials.
 * @returns The problem.
 */
export function problemOf(answer: Answer, where: string): PoolProblem {
  let code: unknown;
  try {
    code = (JSON.parse(Buffer.from(answer.bytes).toString('utf8')) as { problem?: unknown }).problem;
  } catch {
    code = undefined;
  }
  return { code: code === 'TOO_LARGE' ? 'TOO_LARGE' : 'UNREADABLE', message: `The persona API ${where} cannot serve its pool as bytes${detailOf(answer)}` };
}

/**
 * The typed error of an answer the store cannot use: 401/403 `ACCESS_DENIED` (status kept), 404/405
 * no such endpoint, 5xx the API unavailable, any other its status as `WRITE_FAILED` (on a write) or
 * `STORE_UNAVAILABLE` (on a read). Never a header value or credential in the message.
 *
 * @param where - The API's URL without credentials.
 * @param answer - The answer.
 * @param writing - Whether it answered a write.
 * @returns The error.
 */
export function answerError(where: string, answer: Answer, writing: boolean): PersonaPoolError {
  const { status } = answer;
  const detail = detailOf(answer);
  if (status === 401 || status === 403) {
    const what = status === 401 ? 'did not accept the credentials' : 'does not allow this user to do that';
    return new PersonaPoolError('ACCESS_DENIED', `The persona API ${where} ${what} (${status})${detail}: check the token or headers given to the remote store`, { status });
  }
  if (status === 404 || status === 405) return new PersonaPoolError('STORE_UNAVAILABLE', `The persona API ${where} answered ${status}${detail}: check the url (it must be the personas endpoint)`);
  if (status >= 500 || !writing) return new PersonaPoolError('STORE_UNAVAILABLE', `The persona API ${where} answered ${status}${detail}: check the API server`);
  return new PersonaPoolError('WRITE_FAILED', `The persona API ${where} refused the write (${status})${detail}`, { status });
}
