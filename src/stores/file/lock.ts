import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../log.js';
import type Lockfile from 'proper-lockfile';
import { makeLock, removeLockFolder, tidyStaging } from './lock-make.js';
import { removeDeadOwnersLock } from './lock-takeover.js';

const log = logger('persona-pool:lock');

/** Lock timing. */
export interface LockOptions {
  /** A lock not refreshed for this long is taken over (proper-lockfile's minimum is 2000). */
  readonly staleMs: number;
  /** How long a writer waits for a held lock before giving up. */
  readonly waitMs: number;
}

/** A held lock. */
export interface HeldLock {
  /** Throws the compromise error if the lock was lost (taken over or removed) meanwhile. */
  readonly assertHeld: () => void;
  /** Releases the lock (once: later calls return the same promise); never throws. */
  readonly release: () => Promise<void>;
}

/** Why locking failed: still held after the wait, or another error (e.g. a read-only folder). */
export class LockError extends Error {
  /** `ELOCKED` when the wait ran out, else the file system's code. */
  readonly code: string;

  /**
   * Wraps the failure of one lock attempt.
   *
   * @param code - `ELOCKED` or a file system error code.
   * @param cause - The underlying error.
   */
  constructor(code: string, cause: unknown) {
    super(code === 'ELOCKED' ? 'lock held by another writer' : String(cause), { cause });
    this.name = 'LockError';
    this.code = code;
  }
}

type Callback = (error: Error | null, result?: unknown) => void;

function callback(operation: () => unknown, done: Callback): void {
  let result: unknown;
  try {
    result = operation();
  } catch (error) {
    process.nextTick(done, error as Error);
    return;
  }
  process.nextTick(done, null, result);
}

/**
 * The file system proper-lockfile uses: its calls (mkdir, stat, utimes, rmdir of the lock folder)
 * take microseconds, less than the thread-pool round trip of the asynchronous calls, so they run
 * synchronously and answer on the next tick, keeping proper-lockfile's callback contract. Its
 * `mkdir` makes the lock with its owner file inside and renames it into place (see {@link makeLock}), so no
 * lock is ever seen without its owner; its `rmdir` removes the owner file first; `rmdirSync` is what its exit
 * handler calls, so a lock held when the process exits (Ctrl-C included) is removed.
 */
const lockFs = {
  mkdir: (path: string, done: Callback) => callback(() => makeLock(path), done),
  stat: (path: string, done: Callback) => callback(() => fs.statSync(path), done),
  rmdir: (path: string, done: Callback) => callback(() => removeLockFolder(path), done),
  rmdirSync: removeLockFolder,
  utimes: (path: string, atime: Date, mtime: Date, done: Callback) => callback(() => fs.utimesSync(path, atime, mtime), done),
};

/** Loaded on first write only: proper-lockfile installs exit and signal handlers when imported. */
let loading: Promise<typeof Lockfile> | undefined;

function lockfile(): Promise<typeof Lockfile> {
  loading ??= import('proper-lockfile').then((module) => module.default);
  return loading;
}

/** A lock's mtime is never set ahead of now by more than its one-second rounding; farther is bogus. */
const FUTURE_SLACK_MS = 2000;

/** Removes a held lock dated in the future (a clock jump), which would never go stale; true when it did. */
function removeFutureLock(lockPath: string): boolean {
  const stats = fs.statSync(lockPath, { throwIfNoEntry: false });
  if (stats === undefined || stats.mtimeMs <= Date.now() + FUTURE_SLACK_MS) return false;
  log('removing %s: its modification time is in the future', lockPath);
  try {
    removeLockFolder(lockPath);
    return true;
  } catch (error) {
    log('cannot remove %s: %O', lockPath, error); // e.g. another waiter removed it first: wait as usual
    return false;
  }
}

/**
 * Takes the cross-process lock of `target` (the folder `<target>.lock`), waiting a bounded time.
 * The file need not exist. Only a held lock is retried; any other error fails at once. The lock
 * records its owner; one held by a process of this host that is gone is taken over at once.
 *
 * @param target - The file to lock.
 * @param options - Lock timing.
 * @returns The held lock.
 * @throws {LockError} `ELOCKED` after the wait, or the file system's code.
 */
export async function acquireLock(target: string, options: LockOptions): Promise<HeldLock> {
  const { lock } = await lockfile();
  const lockPath = `${target}.lock`;
  const deadline = Date.now() + options.waitMs;
  let compromise: Error | undefined;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      const release = await lock(target, {
        realpath: false,
        fs: lockFs,
        lockfilePath: lockPath,
        stale: options.staleMs,
        update: Math.max(1000, options.staleMs / 2),
        retries: 0,
        onCompromised: (error) => {
          log('lock %s compromised: %s', lockPath, error.message);
          compromise = error;
        },
      });
      const assertHeld = () => {
        if (compromise) throw compromise;
      };
      let released: Promise<void> | undefined;
      const releaseOnce = () =>
        (released ??= release().catch((error: unknown) => {
          log('release %s: %O', lockPath, error);
          tidyStaging(lockPath); // the lock was lost: no removal tidied its staging folder
        }));
      return { assertHeld, release: releaseOnce };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      // Only a held lock is looked at: a free one costs no `stat` more than taking it.
      if (code === 'ELOCKED' && (removeFutureLock(lockPath) || removeDeadOwnersLock(lockPath, options.staleMs))) continue;
      if (code !== 'ELOCKED' || Date.now() >= deadline) throw new LockError(code, error);
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    }
  }
}
