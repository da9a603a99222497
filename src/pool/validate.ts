import { PersonaPoolError } from '../errors.js';
import { inspectPersonas, toList } from '../persona/parse.js';
import type { EmailPersona } from '../persona/schema.js';
import type { PoolSnapshot } from './snapshot.js';
import type { RejectedPersona } from '../errors.js';
import type { PersonaWarning } from '../persona/warnings.js';
import { ABSENT_VERSION } from '../version.js';

/** What validating a list gave. */
export interface Validated {
  /** The valid personas, `language` resolved. */
  readonly personas: EmailPersona[];
  /** The invalid entries, with their reasons. */
  readonly rejected: RejectedPersona[];
  /** What looks like a mistake in the entries (see `inspectPersonas`). */
  readonly warnings: readonly PersonaWarning[];
}

/** Encodes the pool's text: a `TextEncoder` is faster than `Buffer.from` for text of this size. */
const UTF8 = new TextEncoder();

/**
 * The bytes a write stores: the personas as JSON, two spaces, a final newline, as the original writes.
 * Parsed personas hold exactly the eleven fields, in schema order: the schema's output is built so.
 *
 * @param personas - The valid personas.
 * @returns The UTF-8 bytes.
 */
export function serialize(personas: readonly EmailPersona[]): Uint8Array {
  return UTF8.encode(`${JSON.stringify(personas, null, 2)}\n`);
}

/**
 * Validates the entries of a write.
 *
 * @param entries - What the caller gave.
 * @param limits - The pool's `maxPersonas` and `languageDefault`.
 * @returns The valid personas, the rejected entries and the warnings.
 * @throws {PersonaPoolError} `NOT_A_LIST`, `TOO_MANY`, `ALL_INVALID`.
 */
export function validateEntries(entries: unknown, limits: { readonly maxPersonas: number; readonly languageDefault: string }): Validated {
  if (!Array.isArray(entries)) {
    throw new PersonaPoolError('NOT_A_LIST', 'The personas must be a JSON list of persona objects');
  }
  const { maxPersonas, languageDefault } = limits;
  if (entries.length > maxPersonas) {
    throw new PersonaPoolError('TOO_MANY', `Too many personas: ${entries.length}, the limit is ${maxPersonas}: trim the list or raise maxPersonas`);
  }
  const { personas, rejected, warnings } = inspectPersonas(entries, { languageDefault });
  if (entries.length > 0 && personas.length === 0) {
    const reasons = rejected.slice(0, 3).map(({ index, issues }) => `#${index}: ${issues.map((issue) => issue.message).join(', ')}`);
    const message = `Persona validation failed: no entry is valid. Each persona needs name, email (as user@domain.tld) and role. First reasons: ${reasons.join('; ')}`;
    throw new PersonaPoolError('ALL_INVALID', message, { rejected });
  }
  return { personas, rejected, warnings };
}

/**
 * Checks `ifMatch` against the pool read under the store's lock.
 *
 * @param ifMatch - The version the writer read, if given.
 * @param current - The pool now.
 * @throws {PersonaPoolError} `VERSION_MISMATCH`.
 */
export function checkMatch(ifMatch: string | undefined, current: PoolSnapshot): void {
  if (ifMatch !== undefined && ifMatch !== current.version) {
    throw new PersonaPoolError('VERSION_MISMATCH', `The persona pool ${current.path} changed since version ${ifMatch} (now ${current.version}): reload it and apply your change again`);
  }
}

/**
 * What of the pool now the history can keep: content read whole (even if it is not valid JSON). The
 * missing pool, and content that could not be read (permissions, too large, not a regular file), keep nothing.
 *
 * @param current - The pool, as read under the lock.
 * @returns Its version and count of valid personas, or null.
 */
export function historyEntryOf(current: PoolSnapshot): { readonly version: string; readonly count: number } | null {
  const code = current.problem?.code;
  if (current.version === ABSENT_VERSION || code === 'UNREADABLE' || code === 'TOO_LARGE') return null;
  return { version: current.version, count: current.personas.length };
}

/**
 * The entries of a version the history keeps, to restore.
 *
 * @param location - The pool's location (for messages).
 * @param version - The version.
 * @param bytes - Its bytes, from the store.
 * @returns The entries.
 * @throws {PersonaPoolError} `NOT_A_LIST` when that content is not a JSON list.
 */
export function restorableList(location: string, version: string, bytes: Uint8Array): readonly unknown[] {
  const source = toList(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  if ('list' in source) return source.list;
  const message = `Version ${version} of the persona pool ${location}, kept in its history, is not a JSON list of personas (${source.problem.message}): nothing was written. Fix it and import it`;
  throw new PersonaPoolError('NOT_A_LIST', message);
}
