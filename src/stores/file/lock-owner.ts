import fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// A lock folder holds a small file naming its owner: pid, host name and pid namespace. A waiter that
// finds the lock held by a process of this host that is gone removes it at once, instead of waiting
// until the lock goes stale (lockStaleMs); any other lock (another host's, a live process's, one
// without an owner file, which only a writer other than persona-pool makes) is left to the staleness rule.

/** The file, inside the lock folder, that names the process holding the lock. */
export const OWNER_FILE = 'owner.json';

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
 * The owner file's text: this process.
 *
 * @returns One line of JSON.
 */
export function ownerText(): string {
  return `${JSON.stringify(thisProcess())}\n`;
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

/**
 * Whether `owner` is a process of this host and pid namespace that is gone (`kill(pid, 0)`: ESRCH; EPERM is alive).
 *
 * @param owner - A lock's owner.
 * @returns `true` only when it is surely gone.
 */
export function isGone(owner: LockOwner): boolean {
  const me = thisProcess();
  if (owner.hostname !== me.hostname || owner.pidNamespace !== me.pidNamespace) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
