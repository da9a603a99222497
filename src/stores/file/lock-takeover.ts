import fs from 'node:fs';
import { logger } from '../../log.js';
import { clearDeadTakeover, makeOwned, removeOwned, stagingOf } from './lock-make.js';
import { isGone, readOwner, type LockOwner } from './lock-owner.js';

const log = logger('persona-pool:lock');

/** A dead owner's lock this close to stale is left to the staleness rule, which may remove it at the same moment. */
const STALE_MARGIN_MS = 1_000;

/** Takes the takeover folder, first removing one a killed waiter left; false when another waiter holds it. */
function takeTurn(takeover: string, lockPath: string): boolean {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      makeOwned(takeover, stagingOf(lockPath));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !clearDeadTakeover(takeover, lockPath)) return false;
    }
  }
  return false;
}

/** Whether two owners are the same process. */
const sameOwner = (a: LockOwner | undefined, b: LockOwner) => a?.pid === b.pid && a.hostname === b.hostname && a.pidNamespace === b.pidNamespace;

/**
 * Removes a held lock whose owner is a process of this host that is gone, so the caller can take it
 * at once. Waiters that notice the same dead owner take turns through a second lock, the folder
 * `<lock>.takeover` (with its owner file: a killed waiter's is removed at once), and the one in
 * turn removes the lock only if its owner file, read again, still names the dead process: a lock another waiter has just taken (no owner file yet, or its own) is
 * never removed. A lock within a second of going stale is left to the staleness rule.
 *
 * @param lockPath - The lock folder.
 * @param staleMs - The lock's staleness (`lockStaleMs`).
 * @returns Whether the lock was removed.
 */
export function removeDeadOwnersLock(lockPath: string, staleMs: number): boolean {
  const seen = readOwner(lockPath);
  if (seen === undefined || !isGone(seen)) return false;
  const takeover = `${lockPath}.takeover`;
  if (!takeTurn(takeover, lockPath)) return false; // another waiter is at it: wait as usual
  try {
    if (!sameOwner(readOwner(lockPath), seen)) return false;
    if (fs.statSync(lockPath).mtimeMs < Date.now() - staleMs + STALE_MARGIN_MS) return false;
    removeOwned(lockPath, stagingOf(lockPath));
    log('took over %s at once: its owner, process %d of this host, is gone', lockPath, seen.pid);
    return true;
  } catch (error) {
    log('cannot take over %s: %O', lockPath, error);
    return false;
  } finally {
    try {
      removeOwned(takeover, stagingOf(lockPath));
    } catch (error) {
      log('cannot remove %s: %O', takeover, error);
    }
  }
}

