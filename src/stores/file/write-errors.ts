import type { Stats } from 'node:fs';
import { fileKind } from './bounded-read.js';
import { PersonaPoolError } from '../../errors.js';
import type { FileStoreOptions } from './file-options.js';
import type { Stat } from './resolve-path.js';

const WRITE_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'a folder of the path cannot be made (is a symlink on it dangling?)',
};

/** What fixes the cause, by code: a full or read-only disk is no permission problem. */
const REMEDIES: Readonly<Record<string, string>> = {
  EROFS: 'Remount the file system read-write, or',
  ENOSPC: 'Free space on the device, or',
  EDQUOT: 'Free space or raise the quota, or',
};

/** What an operator should change to point the pool elsewhere: the variable, or the `path` option. */
function hintOf(options: FileStoreOptions): string {
  return options.path === undefined ? `set ${options.envVar} to a writable file path` : 'pass a writable path';
}

/**
 * The error of a write that the file system refused.
 *
 * @param path - The pool file, as resolved.
 * @param error - The file system's error.
 * @param options - The pool's options, for the hint.
 * @returns `WRITE_FAILED` (500), with the reason and what to change.
 */
export function writeFailed(path: string, error: unknown, options: FileStoreOptions): PersonaPoolError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const reason = WRITE_REASONS[code] ?? String(error);
  const remedy = REMEDIES[code] ?? "Fix the folder's permissions or";
  return new PersonaPoolError('WRITE_FAILED', `Cannot write the persona pool ${path}: ${reason} (${code || 'error'}). ${remedy} ${hintOf(options)}.`, { cause: error });
}

/**
 * Refuses to write over a path that exists and is not a regular file (a folder, a named pipe, a
 * socket, a device): replacing it would destroy it, and writing into it is no pool.
 *
 * @param path - The pool file, as resolved.
 * @param stats - Its `stat` (symlinks followed): undefined when missing; an error is left to the write.
 * @param options - The pool's options, for the hint.
 * @throws {PersonaPoolError} `WRITE_FAILED` with status 409.
 */
export function refuseNonFile(path: string, stats: Stat | Stats, options: FileStoreOptions): void {
  if (stats === undefined || stats instanceof Error) return;
  const what = fileKind(stats);
  if (what === null) return;
  const message = `The persona pool ${path} is ${what}, not a regular file: nothing was written and it was left as it is. Point the pool at a regular file (${hintOf(options)})`;
  throw new PersonaPoolError('WRITE_FAILED', message, { status: 409 });
}
