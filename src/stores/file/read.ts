import type { BigIntStats } from 'node:fs';
import { readBounded, readBoundedSync, type BoundedRead } from './bounded-read.js';
import { stampOf, type Stamp } from './stamp.js';
import type { PoolProblem, StoreRead } from '../types.js';
import { UNREADABLE_VERSION } from '../../version.js';

/**
 * What the file store tags each read with: the path read (the pool's location may change between
 * calls) and the stamp of the handle the content was read from; no stamp for the missing file.
 */
export interface FileTag {
  /** The pool file, as resolved. */
  readonly path: string;
  /** The `fstat` of the content read or written; undefined for the missing file. */
  readonly stamp: Stamp | undefined;
}

/** A read of the pool file, as the store answers it. */
export type FileRead = Exclude<StoreRead<FileTag>, { kind: 'unchanged' }>;

function unreadable(path: string, error: NodeJS.ErrnoException): FileRead {
  const message = `Cannot read the persona pool ${path} (${error.code ?? String(error)}): check that it is a readable file`;
  return { kind: 'problem', problem: { code: 'UNREADABLE', message }, version: UNREADABLE_VERSION };
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

/** The version of content that cannot be read: told apart by its stamp. */
function statVersion(stats: BigIntStats): string {
  return `stat-${stats.ino}-${stats.size}-${stats.mtimeNs}`;
}

function problemOf(path: string, stats: BigIntStats, problem: PoolProblem): FileRead {
  return { kind: 'problem', problem, version: statVersion(stats), tag: { path, stamp: stampOf(stats) } };
}

/** What a bounded read of the pool file means for the pool. */
function toFileRead(path: string, read: BoundedRead, maxBytes: number): FileRead {
  switch (read.kind) {
    case 'missing':
      return { kind: 'missing', tag: { path, stamp: undefined } };
    case 'failed':
      return unreadable(path, read.error);
    case 'not-a-file':
      return problemOf(path, read.stats, notAFile(path, read.what));
    case 'too-large':
      return problemOf(path, read.stats, tooLarge(path, read.size, maxBytes));
    case 'read':
      return { kind: 'content', bytes: read.bytes, tag: { path, stamp: stampOf(read.stats) } };
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
