import { createHash } from 'node:crypto';
import { PersonaPoolError } from './errors.js';

// The version of the pool's content, computed by the pool from the bytes a store gives, so that every
// store gives the same version (the HTTP ETag) for the same bytes, and an export from one store
// imported into another keeps it. Neutral ground: the pool and every store may import it.

/** The version of a pool that holds nothing yet (the missing file, the missing row). */
export const ABSENT_VERSION = 'absent';

/** The version of a pool whose content could not be read at all (no stamp to tell it by). */
export const UNREADABLE_VERSION = 'unreadable';

/**
 * The version of some pool content: the first 27 characters of the base64url SHA-256 of its bytes.
 *
 * @param bytes - The content's bytes, exactly as stored.
 * @returns An opaque string, equal for equal bytes.
 * @throws {PersonaPoolError} `INVALID_OPTION` when `bytes` is not a `Uint8Array` (a `Buffer` is one).
 *
 * @example
 * ```ts
 * versionOf(new TextEncoder().encode('[]\n')); // the ETag of an empty pool written by replace([])
 * ```
 */
export function versionOf(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new PersonaPoolError('INVALID_OPTION', `versionOf takes the content's bytes (a Uint8Array), got ${bytes === null ? 'null' : typeof bytes}: encode text with TextEncoder first`);
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 27);
}
