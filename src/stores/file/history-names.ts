import fs, { type BigIntStats } from 'node:fs';
import type { HistoryEntry } from '../types.js';


/** A version kept: what `history()` lists, and where it is. */
export interface HistoryFile extends HistoryEntry {
  /** Orders the versions: each one kept gets the highest number so far plus one. */
  readonly seq: number;
  /** Its file name in the history folder: `<seq>-<savedAt ms>-<count>-<version>[.<by, base64url>].json`. */
  readonly name: string;
}

/** Fifteen digits at most: any such number of milliseconds is a valid date. */
const NAME = /^(\d{1,15})-(\d{1,15})-(\d{1,15})-([\w-]+)(?:\.([\w-]{1,88}))?\.json$/;

/** The `by` of a name (base64url of its UTF-8), or undefined when it does not decode to what was encoded. */
function byOf(encoded: string | undefined): { readonly by?: string } {
  if (encoded === undefined) return {};
  const by = Buffer.from(encoded, 'base64url').toString('utf8');
  return by !== '' && Buffer.from(by).toString('base64url') === encoded ? { by } : {};
}

/**
 * The history folder of a pool file: `<target>.history`, beside it.
 *
 * @param target - The pool file, symlinks followed.
 * @returns The folder's path.
 */
export function historyFolder(target: string): string {
  return `${target}.history`;
}

/**
 * Reads a kept version's file name.
 *
 * @param name - A file name of the history folder.
 * @returns The version it names, or undefined for a file that is not one.
 */
export function parseName(name: string): HistoryFile | undefined {
  const match = NAME.exec(name);
  if (match === null) return undefined;
  const [seq, ms, count, version, by] = match.slice(1) as [string, string, string, string, string | undefined];
  return { seq: Number(seq), name, version, savedAt: new Date(Number(ms)).toISOString(), count: Number(count), ...byOf(by) };
}

/**
 * The file name of a version to keep.
 *
 * @param seq - Its place: one more than the highest kept.
 * @param content - What it holds: `savedAt` is its modification time, in ms; `by`, who replaced it.
 * @returns `<seq>-<savedAt ms>-<count>-<version>.json`, with `.<by as base64url>` before `.json` when `by` is given.
 */
export function nameOf(seq: number, content: { readonly version: string; readonly count: number; readonly stats: BigIntStats; readonly by?: string | undefined }): string {
  const { version, count, stats, by } = content;
  const suffix = by === undefined ? '' : `.${Buffer.from(by).toString('base64url')}`;
  return `${seq}-${Math.max(0, Number(stats.mtimeNs / 1_000_000n))}-${count}-${version}${suffix}.json`;
}

/**
 * The versions kept, newest first; other files of the folder are ignored.
 *
 * @param names - The folder's file names.
 * @returns The versions, highest `seq` first.
 */
export function keptIn(names: readonly string[]): HistoryFile[] {
  return names.flatMap((name) => parseName(name) ?? []).sort((a, b) => b.seq - a.seq);
}

/**
 * The file names of the history folder.
 *
 * @param folder - The history folder.
 * @param make - Whether to make the folder when it is missing.
 * @returns The names; none for a missing folder.
 * @throws The file system's error for anything but a missing folder.
 */
export function namesIn(folder: string, make: boolean): string[] {
  try {
    return fs.readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (make) fs.mkdirSync(folder);
    return [];
  }
}

