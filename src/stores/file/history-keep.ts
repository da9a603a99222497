import fs, { type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../../log.js';
import { readBoundedSync, type BoundedRead } from './bounded-read.js';
import { PersonaPoolError } from '../../errors.js';
import { historyFolder, keptIn, nameOf, namesIn, parseName, type HistoryFile } from './history-names.js';
import { inspectPersonas } from '../../persona/parse.js';
import { versionOf } from '../../version.js';

const log = logger('persona-pool:history');

/** Where a hard link cannot be made, the content is copied. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** The pool file's content about to be replaced, as the read under the lock found it. */
export interface Content {
  readonly version: string;
  readonly count: number;
  /** The `fstat` of the handle the content was read from. */
  readonly stats: BigIntStats;
  /** Who writes the content that replaces it (kept in its file name). */
  readonly by?: string | undefined;
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
function measured(read: BoundedRead): Content | null {
  if (read.kind !== 'read') return null;
  const { personas } = inspectPersonas(read.bytes.toString('utf8'), { languageDefault: 'en', warnings: false });
  return { version: versionOf(read.bytes), count: personas.length, stats: read.stats };
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Names a kept file by what it really holds; removes it if that is no pool content at all. */
function nameByContent(folder: string, seq: number, path: string, content: Content | null): HistoryFile | undefined {
  if (content === null) {
    fs.rmSync(path, { force: true });
    return undefined;
  }
  const final = join(folder, nameOf(seq, content));
  if (final !== path) fs.renameSync(path, final);
  return parseName(nameOf(seq, content));
}

/** The copy, where a hard link cannot be made: written under a temporary name, then renamed. */
function copy(target: string, folder: string, seq: number, maxBytes: number, by: string | undefined): HistoryFile | undefined {
  const read = readBoundedSync(target, maxBytes);
  const temp = join(folder, `.${seq}.tmp`);
  if (read.kind === 'read') fs.writeFileSync(temp, read.bytes);
  return nameByContent(folder, seq, temp, withBy(measured(read), by));
}

function withBy(content: Content | null, by: string | undefined): Content | null {
  return content === null || by === undefined ? content : { ...content, by };
}

function keep(target: string, folder: string, seq: number, content: Content, maxBytes: number): HistoryFile | undefined {
  const path = join(folder, nameOf(seq, content));
  try {
    fs.linkSync(target, path);
  } catch (error) {
    if (!NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    log('cannot link %s (%s): copying it', target, (error as NodeJS.ErrnoException).code);
    return copy(target, folder, seq, maxBytes, content.by);
  }
  if (sameFile(fs.statSync(path, { bigint: true }), content.stats)) return parseName(nameOf(seq, content));
  // A writer that takes no lock changed the file since it was read: name the link by what it holds.
  return nameByContent(folder, seq, path, withBy(measured(readBoundedSync(path, maxBytes)), content.by));
}

function prune(folder: string, names: readonly string[], old: readonly HistoryFile[]): void {
  const leftovers = names.filter((name) => name.startsWith('.') && name.endsWith('.tmp'));
  for (const name of [...old.map((kept) => kept.name), ...leftovers]) {
    try {
      fs.rmSync(join(folder, name));
    } catch (error) {
      log('cannot prune %s: %O', join(folder, name), error);
    }
  }
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
  let added: HistoryFile | undefined;
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

