import fs from 'node:fs';
import { dirname, resolve } from 'node:path';

// A pool path may be a symlink (an operator's link to a shared file): the lock, the atomic write and
// the history work on the file it names, so the rename replaces that file, never the link.

function lstatOf(path: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Follows `path` through symlinks to the file they name, which may not exist yet.
 *
 * @param path - A path that may be a symlink.
 * @returns The final target's path, and its `lstat` (undefined when it does not exist or cannot be
 *   stat'ed; after 40 links, the last link's).
 */
export function followLinks(path: string): { target: string; stats: fs.Stats | undefined } {
  let current = path;
  let stats = lstatOf(current);
  for (let hops = 0; hops < 40 && stats?.isSymbolicLink() === true; hops++) {
    current = resolve(dirname(current), fs.readlinkSync(current));
    stats = lstatOf(current);
  }
  return { target: current, stats };
}

/**
 * Follows `path` through symlinks to the file they name, which may not exist yet.
 *
 * @param path - A path that may be a symlink.
 * @returns The final target's path.
 */
export function resolveLinks(path: string): string {
  return followLinks(path).target;
}
