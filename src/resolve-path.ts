import fs, { type BigIntStats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PersonaPoolOptions } from './pool-options.js';

/** A path's bigint `stat`: undefined when missing, the error when it could not be taken. */
export type Stat = BigIntStats | undefined | Error;

/**
 * Stats a path, never throwing.
 *
 * @param path - Any path.
 * @returns Its bigint stats, undefined when missing, or the error.
 */
export function statOf(path: string): Stat {
  try {
    return fs.statSync(path, { bigint: true, throwIfNoEntry: false });
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
 * @returns The path, and its `stat`.
 */
export function locatePool(options: PersonaPoolOptions): { path: string; stat: Stat } {
  const { path, env, envVar, systemPath, userPath } = options;
  if (path !== undefined) return { path, stat: statOf(path) };
  const fromEnv = env[envVar];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const expanded = expandHome(fromEnv);
    return { path: expanded, stat: statOf(expanded) };
  }
  const system = statOf(systemPath);
  if (system !== undefined && !(system instanceof Error)) return { path: systemPath, stat: system };
  if (writableFolder(systemPath)) return { path: systemPath, stat: system };
  return { path: userPath, stat: statOf(userPath) };
}
