import { randomUUID } from 'node:crypto';
import fs, { type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

let sequence = 0;

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions<T> {
  /**
   * Work to do while the temporary file's fsync runs on the thread pool, given that file's path; its
   * result is returned. Throw to abort (the target is untouched).
   */
  readonly whileSyncing: (temp: string) => T;
  /** Called after the data is durable and before the rename; throw to abort (the target is untouched). */
  readonly beforeRename?: () => void;
  /** Called right after the rename, while the folder's fsync runs (e.g. to release a lock). */
  readonly afterRename?: () => void;
  /**
   * What the caller's `stat` of `target` (taken under its lock) found: the file's mode to keep, or null
   * for no file. Absent, `target` is stat'ed here.
   */
  readonly mode?: number | null;
}

/** What {@link writeFileAtomic} did. */
export interface AtomicWrite<T> {
  /** The `fstat` of the new file, which is the target's after the rename. */
  readonly stats: BigIntStats;
  /** What `whileSyncing` returned. */
  readonly made: T;
}

function tempPrefix(target: string): string {
  return `.${basename(target)}.`;
}

/**
 * A temporary file name beside `target`, unique per process, thread and call.
 *
 * @param target - The file to be replaced.
 * @returns The temporary file's path.
 */
export function tempPathFor(target: string): string {
  const unique = `${process.pid}-${threadId}-${++sequence}-${randomUUID().slice(0, 8)}`;
  return join(dirname(target), `${tempPrefix(target)}${unique}.tmp`);
}

/**
 * The permission bits of a regular file, to give its replacement.
 *
 * @param stats - The file's `stat`, or undefined when missing.
 * @returns The mode, or null when there is no regular file.
 */
export function modeOf(stats: { isFile(): boolean; readonly mode: number | bigint } | undefined): number | null {
  return stats?.isFile() === true ? Number(stats.mode) & 0o7777 : null;
}

/** `fsync` through the thread pool: the one slow call, which must not block the event loop. */
function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
}

async function syncFolder(folder: string): Promise<void> {
  const fd = fs.openSync(folder, 'r');
  try {
    await fsync(fd);
  } catch (error) {
    // Some file systems cannot fsync a folder; the rename itself is done.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replaces `target` atomically and durably: a temporary file in the same folder is created
 * exclusively, written, fsynced, renamed over `target`, then the folder is fsynced. The mode of an
 * existing file is kept. On any failure `target` is untouched and the temporary file is removed.
 *
 * The two `fsync`s run on the thread pool; the other calls (create, write to the page cache,
 * `fstat`, rename) are synchronous, as each takes microseconds on a local disk and a thread-pool
 * round trip costs more than the call itself.
 *
 * @param target - The file to replace (not a symlink: resolve it first).
 * @param data - The new content.
 * @param options - `whileSyncing`, work overlapped with the fsync; `beforeRename`, a last check; `mode`, when known.
 * @returns The `fstat` of the new file, and what `whileSyncing` made.
 */
export async function writeFileAtomic<T>(target: string, data: Uint8Array, options: AtomicWriteOptions<T>): Promise<AtomicWrite<T>> {
  const temp = tempPathFor(target);
  const mode = options.mode !== undefined ? options.mode : modeOf(fs.statSync(target, { throwIfNoEntry: false }));
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', mode ?? 0o666);
    if (mode !== null) fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, data);
    const made = await overlapped(fsync(fd), () => options.whileSyncing(temp));
    const stats = fs.fstatSync(fd, { bigint: true });
    fs.closeSync(fd);
    fd = undefined;
    options.beforeRename?.();
    fs.renameSync(temp, target);
    const folderSynced = syncFolder(dirname(target));
    options.afterRename?.();
    await folderSynced;
    return { stats, made };
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** Runs `work` while `pending` is under way; settles only once `pending` has, whatever `work` did. */
async function overlapped<T>(pending: Promise<void>, work: () => T): Promise<T> {
  let made: T;
  try {
    made = work();
  } catch (error) {
    await pending.catch(() => undefined);
    throw error;
  }
  await pending;
  return made;
}

/**
 * Removes temporary files that a killed writer left beside `target`. Call it only while holding
 * the lock, so no live writer's file is touched.
 *
 * @param target - The pool file.
 * @param keep - The temporary file of the write under way.
 * @returns The paths removed.
 */
export function removeLeftovers(target: string, keep: string): string[] {
  const folder = dirname(target);
  const prefix = tempPrefix(target);
  const leftovers = fs
    .readdirSync(folder)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
    .map((name) => join(folder, name))
    .filter((path) => path !== keep);
  for (const path of leftovers) fs.rmSync(path, { force: true });
  return leftovers;
}
