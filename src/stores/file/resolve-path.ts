import fs, { type BigIntStats, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FileStoreOptions } from './file-options.js';

/** A path's `stat`, in numbers or bigints: undefined when missing, the error when it could not be taken. */
export type Stat = Stats | BigIntStats | undefined | Error;

/**
 * Stats a path, never throwing.
 *
 * @param path - Any path.
 * @param bigint - Whether to take the bigint `stat` (exact for any inode) rather than the plain one.
 * @returns Its stats, undefined when missing, or the error.
 */
export function statOf(path: string, bigint: boolean): Stat {
  try {
    return bigint ? fs.statSync(path, { bigint: true, throwIfNoEntry: false }) : fs.statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    return error as Error;
  }
}

function writableFolder(path: string): boolean {
  try {
    fs.accessSync(dirname(path), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * Resolves the pool file as the original does, taking the one `stat` a read needs on the way: the
 * variable if set and not blank; else the system path if it exists; else the system path if its
 * folder is writable; else the user path. It writes nothing.
 *
 * @param options - The pool's options.
 * @param bigint - Whether to take the bigint `stat`.
 * @returns The path, and its `stat`.
 */
export function locatePool(options: FileStoreOptions, bigint: boolean): { path: string; stat: Stat } {
  const { path, env, envVar, systemPath, userPath } = options;
  if (path !== undefined) return { path, stat: statOf(path, bigint) };
  const fromEnv = env[envVar];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const expanded = expandHome(fromEnv);
    return { path: expanded, stat: statOf(expanded, bigint) };
  }
  const system = statOf(systemPath, bigint);
  if (system !== undefined && !(system instanceof Error)) return { path: systemPath, stat: system };
  if (writableFolder(systemPath)) return { path: systemPath, stat: system };
  return { path: userPath, stat: statOf(userPath, bigint) };
}
