import type { BigIntStats } from 'node:fs';
import createDebug from 'debug';
import { readBounded, readBoundedSync, type BoundedRead } from '../stores/file/bounded-read.js';
import { inspectPersonas, isLogging } from '../persona/parse.js';
import type { EmailPersona } from '../persona/schema.js';
import type { PoolProblem } from '../stores/types.js';
import { ABSENT_VERSION, UNREADABLE_VERSION, versionOf } from '../version.js';

const log = createDebug('persona-pool:pool');


/** The pool as it is on disk now. */
export interface PoolSnapshot {
  /** The pool file's path. */
  readonly path: string;
  /** The valid personas, frozen, `language` resolved. */
  readonly personas: readonly EmailPersona[];
  /** Opaque; equal for equal content, different when the content changes (the HTTP ETag). */
  readonly version: string;
  /** Why the file yields no personas, or null. */
  readonly problem: PoolProblem | null;
}

/** What one read of the pool file found: the `fstat` of the handle read from, and the bytes. */
export type FileRead =
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly problem: PoolProblem }
  | { readonly kind: 'read'; readonly stats: BigIntStats; readonly bytes: Buffer | null; readonly problem: PoolProblem | null };


function unreadable(path: string, error: NodeJS.ErrnoException): FileRead {
  const message = `Cannot read the persona pool ${path} (${error.code ?? String(error)}): check that it is a readable file`;
  return { kind: 'failed', problem: { code: 'UNREADABLE', message } };
}

function notAFile(path: string, what: string): PoolProblem {
  const message = what === 'a folder'
    ? `The persona pool ${path} is a folder: point the pool at a JSON file`
    : `The persona pool ${path} is ${what}, not a regular file: nothing was read. Point the pool at a regular JSON file`;
  return { code: 'UNREADABLE', message };
}

function tooLarge(path: string, size: bigint | null, maxBytes: number): PoolProblem {
  const message = `The persona pool ${path} is ${size ?? `more than ${maxBytes}`} bytes, over the limit of ${maxBytes}: split or trim it`;
  return { code: 'TOO_LARGE', message };
}

/** What a bounded read of the pool file means for the pool. */
function toFileRead(path: string, read: BoundedRead, maxBytes: number): FileRead {
  switch (read.kind) {
    case 'missing':
      return read;
    case 'failed':
      return unreadable(path, read.error);
    case 'not-a-file':
      return { kind: 'read', stats: read.stats, bytes: null, problem: notAFile(path, read.what) };
    case 'too-large':
      return { kind: 'read', stats: read.stats, bytes: null, problem: tooLarge(path, read.size, maxBytes) };
    case 'read':
      return { kind: 'read', stats: read.stats, bytes: read.bytes, problem: null };
  }
}

/**
 * Reads the pool file synchronously, never blocking and holding at most `maxBytes + 1` bytes (see
 * {@link readBoundedSync}); the stamp is the `fstat` of the same handle, taken before reading. A
 * path that is not a regular file (a folder, a named pipe, a socket, a device) is `UNREADABLE`.
 *
 * @param path - The pool file.
 * @param maxBytes - Files larger than this are not read.
 * @returns What was found.
 */
export function readPoolFileSync(path: string, maxBytes: number): FileRead {
  return toFileRead(path, readBoundedSync(path, maxBytes), maxBytes);
}

/**
 * Reads the pool file through the thread pool; same contract as {@link readPoolFileSync}.
 *
 * @param path - The pool file.
 * @param maxBytes - Files larger than this are not read.
 * @returns What was found.
 */
export async function readPoolFile(path: string, maxBytes: number): Promise<FileRead> {
  return toFileRead(path, await readBounded(path, maxBytes), maxBytes);
}


function statVersion(stats: BigIntStats): string {
  return `stat-${stats.ino}-${stats.size}-${stats.mtimeNs}`;
}

function freeze(personas: EmailPersona[]): readonly EmailPersona[] {
  for (const persona of personas) {
    Object.freeze(persona.mannerisms);
    Object.freeze(persona);
  }
  return Object.freeze(personas);
}

const NOTHING: readonly EmailPersona[] = Object.freeze([]);

/**
 * The snapshot of what a write just put in the file: what {@link toSnapshot} would make of `bytes`,
 * without parsing them again, since they were serialized from `personas`, valid and language resolved.
 *
 * @param path - The pool file.
 * @param personas - The personas written, in order; frozen here.
 * @param bytes - The bytes written.
 * @returns The snapshot.
 */
export function writtenSnapshot(path: string, personas: EmailPersona[], bytes: Uint8Array): PoolSnapshot {
  return Object.freeze({ path, personas: freeze(personas), version: versionOf(bytes), problem: null });
}

/**
 * Turns one read of the pool file into a frozen snapshot, logging every problem through `debug`.
 *
 * @param path - The pool file.
 * @param read - What {@link readPoolFile} found.
 * @param languageDefault - The language of personas without one.
 * @returns The snapshot.
 */
export function toSnapshot(path: string, read: FileRead, languageDefault: string): PoolSnapshot {
  if (read.kind === 'missing') return Object.freeze({ path, personas: NOTHING, version: ABSENT_VERSION, problem: null });
  if (read.kind === 'failed' || read.bytes === null) {
    const version = read.kind === 'read' ? statVersion(read.stats) : UNREADABLE_VERSION;
    log('%s', read.problem?.message);
    return Object.freeze({ path, personas: NOTHING, version, problem: read.problem });
  }
  const version = versionOf(read.bytes);
  const text = read.bytes.toString('utf8');
  if (text.trim() === '' || text === '\ufeff') {
    log('the persona pool %s is empty', path);
    const problem = { code: 'INVALID_JSON', message: `The persona pool ${path} is empty: import a JSON list of personas` } as const;
    return Object.freeze({ path, personas: NOTHING, version, problem });
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
    return Object.freeze({ path, personas: NOTHING, version, problem: { code: problem.code, message } });
  }
  return Object.freeze({ path, personas: freeze(personas), version, problem: null });
}
