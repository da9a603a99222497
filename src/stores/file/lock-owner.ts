import fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { logger } from '../../log.js';

// A lock folder holds a small file naming its owner: pid, host name and pid namespace. A waiter that
// finds the lock held by a process of this host that is gone removes it at once, instead of waiting
// until the lock goes stale (lockStaleMs); any other lock (another host's, a live process's, one
// without an owner file) is left to the staleness rule.

const log = logger('persona-pool:lock');

/** The file, inside the lock folder, that names the process holding the lock. */
export const OWNER_FILE = 'owner.json';
/** A takeover holds `<lock>.takeover` for microseconds: one older than this is a killed waiter's leftover. */
const TAKEOVER_LEFTOVER_MS = 5_000;
/** A dead owner's lock this close to stale is left to the staleness rule, which may remove it at the same moment. */
const STALE_MARGIN_MS = 1_000;

/** Who holds a lock. */
export interface LockOwner {
  /** The process id. */
  readonly pid: number;
  /** `os.hostname()` of its host. */
  readonly hostname: string;
  /**
   * Its pid namespace (the link `/proc/self/ns/pid`, such as `pid:[4026531836]`), or null where there
   * is none: containers that share a host name (a pod's) but not their processes differ here.
   */
  readonly pidNamespace: string | null;
}

let self: LockOwner | undefined;

/**
 * This process, as a lock records it.
 *
 * @returns Its pid, host name and pid namespace.
 */
export function thisProcess(): LockOwner {
  if (self === undefined) {
    let pidNamespace: string | null = null;
    try {
      pidNamespace = fs.readlinkSync('/proc/self/ns/pid');
    } catch {
      // Not Linux, or no /proc: the host name alone tells.
    }
    self = { pid: process.pid, hostname: hostname(), pidNamespace };
  }
  return self;
}

/**
 * Makes a lock just taken this process's: writes the owner file (keeping the folder's mtime, which
 * proper-lockfile checks on each refresh), and clears a killed waiter's takeover folder. A failure
 * only costs the quick takeover, so it is logged, not thrown.
 *
 * @param lockPath - The lock folder.
 */
export function claimLock(lockPath: string): void {
  try {
    const { atime, mtime } = fs.statSync(lockPath);
    // Written beside, then renamed into place: the owner file is never seen empty or half written,
    // whenever the writer is killed.
    const temp = join(lockPath, `${OWNER_FILE}.${process.pid}.tmp`);
    fs.writeFileSync(temp, `${JSON.stringify(thisProcess())}\n`);
    fs.renameSync(temp, join(lockPath, OWNER_FILE));
    fs.utimesSync(lockPath, atime, mtime);
    const takeover = fs.statSync(`${lockPath}.takeover`, { throwIfNoEntry: false });
    if (takeover && takeover.mtimeMs < Date.now() - TAKEOVER_LEFTOVER_MS) fs.rmSync(`${lockPath}.takeover`, { recursive: true, force: true });
  } catch (error) {
    log('cannot record the owner of %s: %O', lockPath, error);
  }
}

/**
 * Reads the owner file of a lock.
 *
 * @param lockPath - The lock folder.
 * @returns The owner, or undefined when there is no owner file or it does not name one.
 */
export function readOwner(lockPath: string): LockOwner | undefined {
  let owner: Partial<Record<keyof LockOwner, unknown>>;
  try {
    owner = Object(JSON.parse(fs.readFileSync(join(lockPath, OWNER_FILE), 'utf8'))) as typeof owner;
  } catch {
    return undefined;
  }
  const { pid, hostname: host, pidNamespace } = owner;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0 || typeof host !== 'string') return undefined;
  return { pid, hostname: host, pidNamespace: typeof pidNamespace === 'string' ? pidNamespace : null };
}

/** Whether `owner` is a process of this host and pid namespace that is gone (`kill(pid, 0)`: ESRCH; EPERM is alive). */
function isGone(owner: LockOwner): boolean {
  const me = thisProcess();
  if (owner.hostname !== me.hostname || owner.pidNamespace !== me.pidNamespace) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const sameOwner = (a: LockOwner | undefined, b: LockOwner) => a?.pid === b.pid && a.hostname === b.hostname && a.pidNamespace === b.pidNamespace;

/**
 * Removes a held lock whose owner is a process of this host that is gone, so the caller can take it
 * at once. Waiters that notice the same dead owner take turns through a second lock, the folder
 * `<lock>.takeover`, and the one in turn removes the lock only if its owner file, read again, still
 * names the dead process: a lock another waiter has just taken (no owner file yet, or its own) is
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
  try {
    fs.mkdirSync(takeover);
  } catch {
    return false; // another waiter is at it (or left it, killed): wait as usual
  }
  try {
    if (!sameOwner(readOwner(lockPath), seen)) return false;
    if (fs.statSync(lockPath).mtimeMs < Date.now() - staleMs + STALE_MARGIN_MS) return false;
    fs.rmSync(lockPath, { recursive: true, force: true });
    log('took over %s at once: its owner, process %d of this host, is gone', lockPath, seen.pid);
    return true;
  } catch (error) {
    log('cannot take over %s: %O', lockPath, error);
    return false;
  } finally {
    fs.rmSync(takeover, { recursive: true, force: true });
  }
}

/**
 * Removes a lock folder and its owner file; what proper-lockfile's `rmdir` does through our `fs`.
 *
 * @param lockPath - The lock folder.
 * @throws The file system's error (`ENOENT` when there is no lock).
 */
export function removeLockFolder(lockPath: string): void {
  // The owner file, and the temporary one of a writer killed before renaming it into place.
  for (const name of fs.readdirSync(lockPath)) {
    if (name.startsWith(OWNER_FILE)) fs.rmSync(join(lockPath, name), { force: true });
  }
  fs.rmdirSync(lockPath);
}
