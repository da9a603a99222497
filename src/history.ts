import fs, { type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import createDebug from 'debug';
import { readBoundedSync, type BoundedRead } from './bounded-read.js';
import { PersonaPoolError } from './errors.js';
import { toList } from './parse.js';
import { toSnapshot, type PoolSnapshot } from './snapshot.js';

const log = createDebug('persona-pool:history');

/** One previous version of the pool, as `PersonaPool.history()` lists it. */
export interface HistoryEntry {
  /** The version `snapshot()` reported for that content: pass it to `restore()`. */
  readonly version: string;
  /** When that content was saved to the pool file (the file's modification time), ISO 8601. */
  readonly savedAt: string;
  /** The number of valid personas in that content. */
  readonly count: number;
}

/** The pool file's content about to be replaced, as the read under the lock found it. */
export interface Content {
  readonly version: string;
  readonly count: number;
  /** The `fstat` of the handle the content was read from. */
  readonly stats: BigIntStats;
}

interface Kept extends HistoryEntry {
  /** Orders the versions: each one kept gets the highest number so far plus one. */
  readonly seq: number;
  /** Its file name in the history folder: `<seq>-<savedAt ms>-<count>-<version>.json`. */
  readonly name: string;
}

const NAME = /^(\d{1,15})-(\d{1,15})-(\d{1,15})-([\w-]+)\.json$/;
/** Where a hard link cannot be made, the content is copied. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
const MAX_DATE_MS = 8.64e15;

/**
 * The history folder of a pool file: `<target>.history`, beside it.
 *
 * @param target - The pool file, symlinks followed.
 * @returns The folder's path.
 */
export function historyFolder(target: string): string {
  return `${target}.history`;
}

function parseName(name: string): Kept | undefined {
  const match = NAME.exec(name);
  if (match === null) return undefined;
  const [seq, ms, count, version] = match.slice(1) as [string, string, string, string];
  if (Number(ms) > MAX_DATE_MS) return undefined;
  return { seq: Number(seq), name, version, savedAt: new Date(Number(ms)).toISOString(), count: Number(count) };
}

function nameOf(seq: number, { version, count, stats }: Content): string {
  return `${seq}-${Math.max(0, Number(stats.mtimeNs / 1_000_000n))}-${count}-${version}.json`;
}

/** The versions kept, newest first; other files of the folder are ignored. */
function keptIn(names: readonly string[]): Kept[] {
  return names.flatMap((name) => parseName(name) ?? []).sort((a, b) => b.seq - a.seq);
}

function namesIn(folder: string, make: boolean): string[] {
  try {
    return fs.readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (make) fs.mkdirSync(folder);
    return [];
  }
}

/** The names in a folder that only needs pruning: none when it cannot be listed. */
function listedOrNone(folder: string): string[] {
  try {
    return namesIn(folder, false);
  } catch (error) {
    log('cannot list %s: %O', folder, error);
    return [];
  }
}

/** What the bytes of a pool file hold, measured, or null when they cannot be read as a pool. */
function measured(path: string, read: BoundedRead): Content | null {
  if (read.kind !== 'read') return null;
  const snapshot = toSnapshot(path, { kind: 'read', stats: read.stats, bytes: read.bytes, problem: null }, 'en');
  return { version: snapshot.version, count: snapshot.personas.length, stats: read.stats };
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Names a kept file by what it really holds; removes it if that is no pool content at all. */
function settle(folder: string, seq: number, path: string, content: Content | null): Kept | undefined {
  if (content === null) {
    fs.rmSync(path, { force: true });
    return undefined;
  }
  const final = join(folder, nameOf(seq, content));
  if (final !== path) fs.renameSync(path, final);
  return parseName(nameOf(seq, content));
}

/** The copy, where a hard link cannot be made: written under a temporary name, then renamed. */
function copy(target: string, folder: string, seq: number, maxBytes: number): Kept | undefined {
  const read = readBoundedSync(target, maxBytes);
  const temp = join(folder, `.${seq}.tmp`);
  if (read.kind === 'read') fs.writeFileSync(temp, read.bytes);
  return settle(folder, seq, temp, measured(target, read));
}

function keep(target: string, folder: string, seq: number, content: Content, maxBytes: number): Kept | undefined {
  const path = join(folder, nameOf(seq, content));
  try {
    fs.linkSync(target, path);
  } catch (error) {
    if (!NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    log('cannot link %s (%s): copying it', target, (error as NodeJS.ErrnoException).code);
    return copy(target, folder, seq, maxBytes);
  }
  if (sameFile(fs.statSync(path, { bigint: true }), content.stats)) return parseName(nameOf(seq, content));
  // A writer that takes no lock changed the file since it was read: name the link by what it holds.
  return settle(folder, seq, path, measured(path, readBoundedSync(path, maxBytes)));
}

function prune(folder: string, names: readonly string[], old: readonly Kept[]): void {
  const leftovers = names.filter((name) => name.startsWith('.') && name.endsWith('.tmp'));
  for (const name of [...old.map((kept) => kept.name), ...leftovers]) {
    try {
      fs.rmSync(join(folder, name));
    } catch (error) {
      log('cannot prune %s: %O', join(folder, name), error);
    }
  }
}

/**
 * What of the pool now can be kept: content read whole (even if it is not valid JSON). The missing
 * file, and one that could not be read (permissions, too large, not a regular file), keep nothing.
 *
 * @param snapshot - The pool, as read under the lock.
 * @param stats - The `fstat` its content was read from, if any.
 * @returns The content to keep, or null.
 */
export function keepable(snapshot: PoolSnapshot, stats: BigIntStats | undefined): Content | null {
  const code = snapshot.problem?.code;
  if (stats === undefined || code === 'UNREADABLE' || code === 'TOO_LARGE') return null;
  return { version: snapshot.version, count: snapshot.personas.length, stats };
}

/** A version being kept, until the write it belongs to is done. */
export interface Keeping {
  /** Removes the version just kept: the write failed, so the pool still holds it. */
  readonly forget: () => void;
  /** Removes the oldest versions past the limit, and temporary files a killed copy left; never throws. */
  readonly prune: () => void;
}

function failedToKeep(target: string, error: unknown): PersonaPoolError {
  const folder = historyFolder(target);
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  const message = `Cannot keep the version being replaced of the persona pool ${target} in ${folder} (${code}): nothing was written. Fix or remove ${folder}, or set the pool's historyLimit to 0 to keep no history`;
  return new PersonaPoolError('WRITE_FAILED', message, { cause: error });
}

/**
 * Keeps the pool file's content before it is replaced: hard-linked into the history folder (made
 * if missing), or copied where a link cannot be made; a version equal to the newest kept is not kept
 * twice. Call it under the pool's lock, before the rename; call `prune` once the rename is done,
 * still under the lock, or `forget` if the write failed.
 *
 * @param target - The pool file, symlinks followed.
 * @param content - What it holds now, or null for nothing to keep.
 * @param options - `limit`, the most versions kept (0: none); `maxBytes`, for a copy.
 * @returns How to finish.
 * @throws {PersonaPoolError} `WRITE_FAILED` when the content cannot be kept.
 */
export function keepVersion(target: string, content: Content | null, options: { readonly limit: number; readonly maxBytes: number }): Keeping {
  const folder = historyFolder(target);
  const keeping = content !== null && options.limit > 0;
  let names: string[];
  let added: Kept | undefined;
  try {
    names = keeping ? namesIn(folder, true) : listedOrNone(folder);
    const newest = keptIn(names)[0];
    if (keeping && newest?.version !== content.version) added = keep(target, folder, (newest?.seq ?? 0) + 1, content, options.maxBytes);
  } catch (error) {
    throw failedToKeep(target, error);
  }
  return {
    forget: () => added && fs.rmSync(join(folder, added.name), { force: true }),
    prune: () => prune(folder, names, [...(added ? [added] : []), ...keptIn(names)].slice(options.limit)),
  };
}

/**
 * The versions kept beside a pool file, newest first. A missing folder has none; a folder that
 * cannot be listed has none either, logged through `debug` (namespace `persona-pool:history`).
 *
 * @param target - The pool file, symlinks followed.
 * @returns The versions.
 */
export async function listHistory(target: string): Promise<HistoryEntry[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(historyFolder(target));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log('cannot list %s: %O', historyFolder(target), error);
    return [];
  }
  return keptIn(names).map(({ version, savedAt, count }) => ({ version, savedAt, count }));
}

function unknownVersion(path: string, version: string, why: string): PersonaPoolError {
  const message = `No version ${version} of the persona pool ${path} can be restored: ${why}. List the versions kept with pool.history() or persona-pool history`;
  return new PersonaPoolError('UNKNOWN_VERSION', message);
}

function findKept(path: string, folder: string, version: string): Kept {
  let names: string[];
  try {
    names = namesIn(folder, false);
  } catch (error) {
    throw unknownVersion(path, version, `its history folder ${folder} cannot be listed (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const kept = keptIn(names).find((entry) => entry.version === version);
  if (kept === undefined) throw unknownVersion(path, version, `it is not kept in ${folder}`);
  return kept;
}

/**
 * The entries of a version kept in a pool's history: the newest one kept with that version.
 *
 * @param path - The pool file, as resolved (for messages).
 * @param target - The pool file, symlinks followed.
 * @param version - The version to restore.
 * @param maxBytes - The pool's size limit.
 * @returns The entries of that content, to replace the pool with.
 * @throws {PersonaPoolError} `UNKNOWN_VERSION` when no such version is kept (or it cannot be read),
 *   `NOT_A_LIST` when its content is not a JSON list.
 */
export function keptEntries(path: string, target: string, version: string, maxBytes: number): readonly unknown[] {
  const folder = historyFolder(target);
  const file = join(folder, findKept(path, folder, version).name);
  const read = readBoundedSync(file, maxBytes);
  if (read.kind !== 'read') throw unknownVersion(path, version, `its file ${file} cannot be read (${read.kind === 'failed' ? (read.error.code ?? 'error') : read.kind})`);
  const source = toList(read.bytes.toString('utf8'));
  if ('list' in source) return source.list;
  const message = `Version ${version} of the persona pool ${path}, kept in ${file}, is not a JSON list of personas (${source.problem.message}): nothing was written. Fix that file and import it`;
  throw new PersonaPoolError('NOT_A_LIST', message);
}
