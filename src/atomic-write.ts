import { randomBytes } from 'node:crypto';
import fs, { type BigIntStats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';

let sequence = 0;

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Called after the data is durable and before the rename; throw to abort (the target is untouched). */
  readonly beforeRename?: () => void;
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
  const unique = `${process.pid}-${threadId}-${++sequence}-${randomBytes(4).toString('hex')}`;
  return join(dirname(target), `${tempPrefix(target)}${unique}.tmp`);
}

async function modeOf(target: string): Promise<number | undefined> {
  try {
    const stats = await fs.promises.stat(target);
    return stats.isFile() ? stats.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.promises.open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a folder; the rename itself is done.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `target` atomically and durably: a temporary file in the same folder is created
 * exclusively, written, fsynced, renamed over `target`, then the folder is fsynced. The mode of an
 * existing file is kept. On any failure `target` is untouched and the temporary file is removed.
 *
 * @param target - The file to replace (not a symlink: resolve it first).
 * @param data - The new content.
 * @param options - `beforeRename`, a last check before the rename.
 * @returns The `fstat` of the new file, which is the target's after the rename.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<BigIntStats> {
  const temp = tempPathFor(target);
  const mode = await modeOf(target);
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(temp, 'wx', mode ?? 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    const stats = await handle.stat({ bigint: true });
    await handle.close();
    handle = undefined;
    options.beforeRename?.();
    await fs.promises.rename(temp, target);
    await syncFolder(dirname(target));
    return stats;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Removes temporary files that a killed writer left beside `target`. Call it only while holding
 * the lock, so no live writer's file is touched.
 *
 * @param target - The pool file.
 * @returns The paths removed.
 */
export async function removeLeftovers(target: string): Promise<string[]> {
  const folder = dirname(target);
  const prefix = tempPrefix(target);
  const names = await fs.promises.readdir(folder).catch(() => [] as string[]);
  const leftovers = names.filter((name) => name.startsWith(prefix) && name.endsWith('.tmp')).map((name) => join(folder, name));
  await Promise.all(leftovers.map((path) => fs.promises.rm(path, { force: true })));
  return leftovers;
}

/**
 * Follows `path` through symlinks to the file they name, which may not exist yet.
 *
 * @param path - A path that may be a symlink.
 * @returns The final target's path.
 */
export async function resolveLinks(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const stats = await fs.promises.lstat(current).catch(() => undefined);
    if (!stats?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await fs.promises.readlink(current));
  }
  return current;
}
