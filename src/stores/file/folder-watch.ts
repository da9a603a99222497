import fs, { type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * How often a watch checks what its events may have missed, in ms: whether its folder is still the
 * one at the path (an ancestor renamed), and, through its owner, whether the file changed (an
 * event dropped when the kernel's inotify queue overflowed, which Node does not report).
 */
export const VERIFY_MS = 1000;

/**
 * File systems whose files another machine, or a virtual machine's host, can change without this
 * kernel's inotify seeing it, by `statfs` magic number: a folder on one of them is not watched.
 */
const REMOTE_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x01021997, '9P'],
  [0x65735546, 'FUSE'],
  [0x00c36400, 'Ceph'],
  [0x5346414f, 'AFS'],
  [0x6b414653, 'kAFS'],
  [0x73757245, 'Coda'],
  [0x01161970, 'GFS2'],
  [0x7461636f, 'OCFS2'],
  [0x0bd00bd0, 'Lustre'],
  [0x786f4256, 'vboxsf'],
]);

/** What a {@link FolderWatch} tells its owner. */
export interface WatchListener {
  /** The file may have changed: an event for its name, or the periodic check. */
  readonly changed: () => void;
  /** Events can no longer be trusted, for `reason`; the periodic check goes on until the watch is closed. */
  readonly failed: (reason: string) => void;
}

/** A folder's identity: device and inode, and its birth time, since a folder made anew often gets the inode just freed. */
function identity(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.birthtimeMs}`;
}

/** Whether the path is a symlink, or cannot be told (a part of it not a folder, no permission): never throws. */
function mayBeLink(path: string): boolean {
  try {
    return fs.lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    return true;
  }
}

/**
 * The file system a folder is on, when inotify cannot see every change made to it.
 *
 * @param folder - A folder.
 * @returns The file system's name (`NFS`, `FUSE`...), or undefined for a local one.
 */
export function remoteFileSystem(folder: string): string | undefined {
  return REMOTE_FILE_SYSTEMS.get(fs.statfsSync(folder).type);
}

/**
 * Watches one file through its folder (an atomic write replaces the file, so a watch on the file
 * itself loses it at the first rename): `fs.watch` on the folder, not keeping the process alive,
 * each event's file name compared with the file's; plus a check every {@link VERIFY_MS} ms.
 */
export class FolderWatch {
  /** The file watched. */
  readonly path: string;
  readonly #listener: WatchListener;
  readonly #folder: string;
  readonly #name: string;
  readonly #folderName: string;
  #watcher: fs.FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #folderId = '';

  /**
   * @param path - The file to watch.
   * @param listener - Told of changes and failures.
   */
  constructor(path: string, listener: WatchListener) {
    this.path = path;
    this.#listener = listener;
    this.#folder = dirname(path);
    this.#name = basename(path);
    this.#folderName = basename(this.#folder);
  }

  /** Whether events are coming: the watcher started and has not failed since. */
  get healthy(): boolean {
    return this.#watcher !== undefined;
  }

  /**
   * Starts the periodic check, then the watcher.
   *
   * @returns Why the watcher could not start, or undefined once it runs.
   */
  start(): string | undefined {
    this.#timer = setInterval(() => this.#verify(), VERIFY_MS).unref();
    const reason = this.#startWatcher();
    if (reason !== undefined) this.#stopWatcher();
    return reason;
  }

  #startWatcher(): string | undefined {
    try {
      // The folder's identity is taken before watching: if it is replaced meanwhile, the checks see it.
      const folder = fs.statSync(this.#folder);
      if (!folder.isDirectory()) return 'its folder is a file';
      if (this.#name === this.#folderName) return 'it has its folder\'s name, so the folder\'s own events cannot be told from the file\'s';
      const remote = remoteFileSystem(this.#folder);
      if (remote !== undefined) return `its folder is on ${remote}, where inotify misses changes made by other machines`;
      this.#folderId = identity(folder);
      this.#watcher = fs.watch(this.#folder, { persistent: false }, (_type, name) => this.#event(name));
      this.#watcher.on('error', (error) => this.#fail(`the watcher failed (${String(error)})`));
      // Checked once the watch runs, so that a symlink put in place later shows as an event.
      return mayBeLink(this.path) ? 'it is a symlink, whose target may change in another folder' : undefined;
    } catch (error) {
      return `its folder cannot be watched (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }

  /** Stops the watcher and the periodic check. */
  close(): void {
    clearInterval(this.#timer);
    this.#stopWatcher();
  }

  #event(name: string | null): void {
    if (name === this.#name || name === null) {
      if (mayBeLink(this.path)) this.#fail('it was replaced by a symlink, whose target may change in another folder, or cannot be looked at');
      this.#listener.changed();
    } else if (name === this.#folderName) {
      // The folder's own events carry its name: it was moved or deleted (a file of that name beside
      // the pool's costs a needless fallback, never a missed change).
      this.#fail('its folder was moved, deleted or replaced (or a file named like it changed)');
    }
  }

  /** The folder is still the one watched, at its path; else events no longer tell of the file. */
  #checkFolder(): void {
    let now: Stats | undefined;
    try {
      now = fs.statSync(this.#folder, { throwIfNoEntry: false });
    } catch {
      now = undefined;
    }
    if (now === undefined || identity(now) !== this.#folderId) this.#fail('its folder was moved, deleted or replaced');
  }

  #verify(): void {
    if (this.#watcher !== undefined) this.#checkFolder();
    this.#listener.changed();
  }

  #fail(reason: string): void {
    if (this.#watcher === undefined) return;
    this.#stopWatcher();
    this.#listener.failed(reason);
  }

  #stopWatcher(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
