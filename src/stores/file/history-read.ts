import fs from 'node:fs';
import { join } from 'node:path';
import { logger } from '../../log.js';
import { readBoundedSync } from './bounded-read.js';
import { PersonaPoolError } from '../../errors.js';
import { toList } from '../../persona/parse.js';
import { historyFolder, keptIn, namesIn, type HistoryFile } from './history-names.js';
import type { HistoryEntry } from '../types.js';

const log = logger('persona-pool:history');

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
  return keptIn(names).map(({ version, savedAt, count, by }) => (by === undefined ? { version, savedAt, count } : { version, savedAt, count, by }));
}

function unknownVersion(path: string, version: string, why: string): PersonaPoolError {
  const message = `No version ${version} of the persona pool ${path} can be restored: ${why}. List the versions kept with pool.history() or persona-pool history`;
  return new PersonaPoolError('UNKNOWN_VERSION', message);
}

function unreadableVersion(path: string, version: string, why: string): PersonaPoolError {
  const message = `Version ${version} of the persona pool ${path} is kept but ${why}: nothing was written. Give this process read access to it (or restore another version)`;
  return new PersonaPoolError('VERSION_UNREADABLE', message);
}

function findHistoryFile(path: string, folder: string, version: string): HistoryFile {
  let names: string[];
  try {
    names = namesIn(folder, false);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    // Something else in the folder's place: no history at all. Anything else (EACCES...) hides what is kept.
    const why = `its history folder ${folder} cannot be listed (${code})`;
    throw code === 'ENOTDIR' ? unknownVersion(path, version, why) : unreadableVersion(path, version, why);
  }
  const kept = keptIn(names).find((entry) => entry.version === version);
  if (kept === undefined) throw unknownVersion(path, version, `it is not kept in ${folder}`);
  return kept;
}

/**
 * The bytes of a version kept in a pool's history: the newest one kept with that version.
 *
 * @param path - The pool file, as resolved (for messages).
 * @param target - The pool file, symlinks followed.
 * @param version - The version to read.
 * @param maxBytes - The pool's size limit.
 * @returns The bytes of that content.
 * @throws {PersonaPoolError} `UNKNOWN_VERSION` when no such version is kept, `VERSION_UNREADABLE` when
 *   it is kept but cannot be read,
 *   `NOT_A_LIST` when its content is not a JSON list (the message names the file, to fix it).
 */
export function keptBytes(path: string, target: string, version: string, maxBytes: number): Buffer {
  const folder = historyFolder(target);
  const file = join(folder, findHistoryFile(path, folder, version).name);
  const read = readBoundedSync(file, maxBytes);
  if (read.kind !== 'read') throw unreadableVersion(path, version, `its file ${file} cannot be read (${read.kind === 'failed' ? (read.error.code ?? 'error') : read.kind})`);
  const source = toList(read.bytes.toString('utf8'));
  if ('list' in source) return read.bytes;
  const message = `Version ${version} of the persona pool ${path}, kept in ${file}, is not a JSON list of personas (${source.problem.message}): nothing was written. Fix that file and import it`;
  throw new PersonaPoolError('NOT_A_LIST', message);
}
