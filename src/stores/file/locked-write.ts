import fs, { type BigIntStats } from 'node:fs';
import { dirname } from 'node:path';
import { removeLeftovers, writeFileAtomic } from './atomic-write.js';
import { PersonaPoolError } from '../../errors.js';
import { keepVersion, type Content, type Keeping } from './history-keep.js';
import { acquireLock, LockError, type HeldLock } from './lock.js';
import type { FileStoreOptions } from './file-options.js';
import { statOf } from './resolve-path.js';
import { refuseNonFile, writeFailed } from './write-errors.js';

/**
 * Takes the pool file's cross-process lock, making its folder if missing.
 *
 * @param path - The pool file, as resolved (for messages).
 * @param target - The pool file, symlinks followed.
 * @param options - The store's options: `lockStaleMs`, `lockWaitMs`, and the hint of errors.
 * @returns The lock held.
 * @throws {PersonaPoolError} `LOCKED` after `lockWaitMs`; `WRITE_FAILED` when the lock cannot be made.
 */
export async function lockPool(path: string, target: string, options: FileStoreOptions): Promise<HeldLock> {
  const timing = { staleMs: options.lockStaleMs, waitMs: options.lockWaitMs };
  try {
    return await acquireLock(target, timing).catch((error: unknown) => {
      // The folder does not exist yet: make it, then lock again.
      if (!(error instanceof LockError && error.code === 'ENOENT')) throw error;
      fs.mkdirSync(dirname(target), { recursive: true });
      return acquireLock(target, timing);
    });
  } catch (error) {
    if (error instanceof LockError && error.code === 'ELOCKED') {
      const message = `The persona pool ${path} is locked by another writer (${target}.lock) and stayed locked for ${options.lockWaitMs} ms: try again shortly`;
      throw new PersonaPoolError('LOCKED', message, { cause: error });
    }
    throw writeFailed(path, error instanceof LockError ? error.cause : error, options);
  }
}

/** What {@link writeLocked} needs besides the bytes. */
export interface LockedWrite {
  /** The pool file, as resolved (for messages). */
  readonly path: string;
  /** The pool file, symlinks followed. */
  readonly target: string;
  /** The lock held. */
  readonly lock: HeldLock;
  /** The content replaced, to keep in the history, or null. */
  readonly content: Content | null;
  /** How many versions the history keeps. */
  readonly historyLimit: number;
  /** The largest content a copy into the history reads. */
  readonly maxBytes: number;
  /** The pool file's mode as a `stat` under the lock found it (null: no file); absent, it is stat'ed again. */
  readonly mode?: number | null;
}

function failure(path: string, error: unknown, options: FileStoreOptions): PersonaPoolError {
  if (error instanceof PersonaPoolError) return error;
  if ((error as NodeJS.ErrnoException).code !== 'ECOMPROMISED') return writeFailed(path, error, options);
  const message = `The lock on the persona pool ${path} was lost during the write (${String(error)}); nothing was written: try again`;
  return new PersonaPoolError('LOCK_COMPROMISED', message, { cause: error });
}

/**
 * Writes the pool file under its lock: atomically and durably (temporary file, fsync, rename, folder
 * fsync), keeping the content it replaces in the history while the fsync runs, and releasing the lock
 * as soon as the new file is in place and the history pruned.
 *
 * @param bytes - The new content.
 * @param write - Where, under which lock, what to keep.
 * @param options - The store's options, for errors.
 * @returns The `fstat` of the new file.
 * @throws {PersonaPoolError} `LOCK_COMPROMISED`, `WRITE_FAILED` (409 when the path became something else than a file).
 */
export async function writeLocked(bytes: Uint8Array, write: LockedWrite, options: FileStoreOptions): Promise<BigIntStats> {
  const { path, target, lock, content, historyLimit: limit, maxBytes, mode } = write;
  let keeping: Keeping | undefined;
  const whileSyncing = (temp: string) => {
    removeLeftovers(target, temp);
    keeping = keepVersion(target, content, { limit, maxBytes });
  };
  const beforeRename = () => {
    lock.assertHeld();
    refuseNonFile(path, statOf(target, false), options);
  };
  const afterRename = () => {
    keeping?.prune();
    keeping = undefined;
    void lock.release();
  };
  try {
    const known = mode === undefined ? {} : { mode };
    return (await writeFileAtomic(target, bytes, { whileSyncing, beforeRename, afterRename, ...known })).stats;
  } catch (error) {
    keeping?.forget();
    throw failure(path, error, options);
  }
}
