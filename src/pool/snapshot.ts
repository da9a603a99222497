import { logger } from '../log.js';
import { inspectPersonas, isLogging } from '../persona/parse.js';
import type { EmailPersona } from '../persona/schema.js';
import type { PoolProblem, StoreRead } from '../stores/types.js';
import { ABSENT_VERSION, versionOf } from '../version.js';

const log = logger('persona-pool:pool');

/** The pool as it is in its store now. */
export interface PoolSnapshot {
  /** The pool's location: the file's path for the file store; the store's `location` otherwise (never a secret). */
  readonly path: string;
  /** The valid personas, frozen, `language` resolved. */
  readonly personas: readonly EmailPersona[];
  /** Opaque; equal for equal content, different when the content changes (the HTTP ETag). */
  readonly version: string;
  /** Why the content yields no personas, or null. */
  readonly problem: PoolProblem | null;
}

/** A read of the store that carries content or its absence: what a snapshot is made of. */
export type ContentRead = Exclude<StoreRead, { kind: 'unchanged' }>;

/** The bytes as text: a `Buffer` decodes itself; other views are wrapped without a copy. */
function textOf(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8');
}

function freeze(personas: EmailPersona[]): readonly EmailPersona[] {
  for (const persona of personas) {
    Object.freeze(persona.mannerisms);
    Object.freeze(persona);
  }
  return Object.freeze(personas);
}

const NOTHING: readonly EmailPersona[] = Object.freeze([]);

/** The bytes each snapshot was made of, exactly as the store held them (none for a store's `problem` read). */
const bytesOfSnapshot = new WeakMap<PoolSnapshot, Uint8Array>();

function withBytes(snapshot: PoolSnapshot, bytes: Uint8Array): PoolSnapshot {
  bytesOfSnapshot.set(snapshot, bytes);
  return snapshot;
}

/**
 * The bytes the store held for a snapshot, exactly (`versionOf` them is its version), for the HTTP
 * stored-bytes representation; undefined for a snapshot made of no bytes (an absent pool, a store's
 * `UNREADABLE` or `TOO_LARGE`) or made elsewhere than the pool. Internal: not exported by the package.
 *
 * @param snapshot - A snapshot of a pool.
 * @returns Its bytes, or undefined.
 */
export function storedBytes(snapshot: PoolSnapshot): Uint8Array | undefined {
  return bytesOfSnapshot.get(snapshot);
}

/**
 * The snapshot of what a write just put in the file: what {@link toSnapshot} would make of `bytes`,
 * without parsing them again, since they were serialized from `personas`, valid and language resolved.
 *
 * @param path - The pool file.
 * @param personas - The personas written, in order; frozen here.
 * @param bytes - The bytes written.
 * @param version - `versionOf(bytes)`.
 * @returns The snapshot.
 */
export function writtenSnapshot(path: string, personas: EmailPersona[], bytes: Uint8Array, version: string): PoolSnapshot {
  return withBytes(Object.freeze({ path, personas: freeze(personas), version, problem: null }), bytes);
}

/**
 * Turns one read of the store into a frozen snapshot, logging every problem through `debug`.
 *
 * @param read - What the store found.
 * @param path - The store's location.
 * @param languageDefault - The language of personas without one.
 * @returns The snapshot.
 */
export function toSnapshot(read: ContentRead, path: string, languageDefault: string): PoolSnapshot {
  if (read.kind === 'missing') return Object.freeze({ path, personas: NOTHING, version: ABSENT_VERSION, problem: null });
  if (read.kind === 'problem') {
    log('%s', read.problem.message);
    return Object.freeze({ path, personas: NOTHING, version: read.version, problem: read.problem });
  }
  const version = versionOf(read.bytes);
  const text = textOf(read.bytes);
  if (text.trim() === '' || text === '\ufeff') {
    log('the persona pool %s is empty', path);
    const problem = { code: 'INVALID_JSON', message: `The persona pool ${path} is empty: import a JSON list of personas` } as const;
    return withBytes(Object.freeze({ path, personas: NOTHING, version, problem }), read.bytes);
  }
  // Warnings cost a pass over the entries: looked for only when they are logged.
  const { personas, rejected, warnings, problem } = inspectPersonas(text, { languageDefault, warnings: isLogging(log) });
  for (const { index, issues } of rejected) {
    log('%s: dropped persona #%d: %s', path, index, issues.map((issue) => issue.message).join('; '));
  }
  for (const { index, code, message } of warnings) log('%s: warning for persona #%d: %s: %s', path, index, code, message);
  if (problem) {
    const message = problem.code === 'INVALID_JSON'
      ? `The persona pool ${path} is not valid JSON: ${problem.message}`
      : `The persona pool ${path} must contain a JSON list of personas: ${problem.message}`;
    log('%s', message);
    return withBytes(Object.freeze({ path, personas: NOTHING, version, problem: { code: problem.code, message } }), read.bytes);
  }
  return withBytes(Object.freeze({ path, personas: freeze(personas), version, problem: read.problem ?? null }), read.bytes);
}
