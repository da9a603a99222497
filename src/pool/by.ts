import { PersonaPoolError } from '../errors.js';

/** The most UTF-8 bytes a `by` may have: it must fit in a history file's name (base64url). */
export const MAX_BY_BYTES = 64;

/**
 * Checks the `by` option of a write: undefined, or a non-empty string of at most
 * {@link MAX_BY_BYTES} UTF-8 bytes.
 *
 * @param by - The option as given.
 * @returns It, checked.
 * @throws {PersonaPoolError} `INVALID_OPTION` otherwise.
 */
export function checkBy(by: unknown): string | undefined {
  if (by === undefined) return undefined;
  if (typeof by !== 'string' || by === '' || Buffer.byteLength(by) > MAX_BY_BYTES) {
    throw new PersonaPoolError('INVALID_OPTION', `The write option by must be a non-empty string of at most ${MAX_BY_BYTES} UTF-8 bytes (who writes: a user id or name)`);
  }
  return by;
}

/**
 * A name cut to at most {@link MAX_BY_BYTES} UTF-8 bytes, at a character boundary.
 *
 * @param name - Any string.
 * @returns It, or its longest prefix that fits; undefined for an empty string.
 */
export function fitBy(name: string): string | undefined {
  let fitted = name;
  while (Buffer.byteLength(fitted) > MAX_BY_BYTES) fitted = [...fitted].slice(0, -1).join('');
  return fitted === '' ? undefined : fitted;
}
