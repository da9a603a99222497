import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { logger } from '../../log.js';
import { isGone, OWNER_FILE, ownerText, readOwner, thisProcess } from './lock-owner.js';

// A lock is never visible without its owner: it is made, owner file inside, under a temporary name in
// `<lock>.new/`, then renamed into place; it is removed by renaming it back there first. A writer
// killed at any moment leaves no lock, or a lock that names it (taken over at once), and perhaps a
// temporary folder that the next writer clears.

const log = logger('persona-pool:lock');

/** A temporary folder lives for microseconds: one older than this is a killed writer's leftover. */
export const LEFTOVER_MS = 5_000;
/** How often a step is tried again when another writer removed the staging folder meanwhile. */
const ATTEMPTS = 20;

/** The folder where locks are made before they are renamed into place, and put before they are removed. */
export const stagingOf = (lockPath: string): string => `${lockPath}.new`;

let tag: string | undefined;

/** A short tag of this host and pid namespace, for the names of temporary folders. */
function hostTag(): string {
  const { hostname, pidNamespace } = thisProcess();
  tag ??= createHash('sha256').update(`${hostname}\0${pidNamespace ?? ''}`).digest('hex').slice(0, 12);
  return tag;
}

let made = 0;

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

function held(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: lock already held, mkdir '${path}'`), { code: 'EEXIST', path });
}

/**
 * Runs `step` on a fresh name `<staging>/<pid>.<host tag>.<n>`, making the staging folder first (unless
 * `there`: it is usually there already, so the first attempt makes nothing) and again if another writer
 * removed it meanwhile: `ENOENT` from `step`, unless `missing()` says that the source of `step` is what is missing.
 */
function inStaging(staging: string, step: (temp: string) => void, missing: () => boolean = () => false, there = false): string {
  const me = thisProcess();
  for (let attempt = 1; ; attempt++) {
    const temp = join(staging, `${me.pid}.${hostTag()}.${made++}`);
    try {
      if (!(there && attempt === 1)) fs.mkdirSync(staging);
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error; // ENOENT: the pool's folder is missing
    }
    try {
      step(temp);
      return temp;
    } catch (error) {
      if (codeOf(error) !== 'ENOENT' || attempt >= ATTEMPTS || missing()) {
        tidy(staging);
        throw error;
      }
    }
  }
}

/** Whether a temporary folder is a leftover: a gone process's of this host, or older than {@link LEFTOVER_MS}. */
function isLeftover(staging: string, name: string): boolean {
  const [pid, tagged] = name.split('.');
  const me = thisProcess();
  if (tagged === hostTag() && Number(pid) > 0 && isGone({ ...me, pid: Number(pid) })) return true;
  const stats = fs.statSync(join(staging, name), { throwIfNoEntry: false });
  return stats !== undefined && stats.mtimeMs < Date.now() - LEFTOVER_MS;
}

/** Removes the staging folder, and first the leftovers of killed writers in it; another writer's at work stay. */
function tidy(staging: string): void {
  try {
    fs.rmdirSync(staging);
    return;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
  }
  try {
    for (const name of fs.readdirSync(staging)) {
      if (isLeftover(staging, name)) fs.rmSync(join(staging, name), { recursive: true, force: true });
    }
    fs.rmdirSync(staging);
  } catch (error) {
    log('kept %s: %s', staging, codeOf(error) ?? error); // another writer's temporary folder is in it
  }
}

/**
 * Makes the folder `path` with this process's owner file inside, atomically: under a temporary name
 * in `staging`, then renamed into place. Never replaces a folder that is there, even an empty one.
 * `staging` stays until {@link removeOwned} removes `path` (one `mkdir` and `rmdir` fewer per write).
 *
 * @param path - The folder: a lock, or a lock's takeover folder.
 * @param staging - Where it is made first.
 * @throws An `EEXIST` error when `path` is there; the file system's error otherwise (`ENOENT` when its folder is missing).
 */
export function makeOwned(path: string, staging: string): void {
  const temp = inStaging(staging, (name) => fs.mkdirSync(name));
  try {
    fs.writeFileSync(join(temp, OWNER_FILE), ownerText());
    // rename(2) replaces an empty folder: a lock without an owner file (not one of ours) is held too.
    if (fs.lstatSync(path, { throwIfNoEntry: false }) !== undefined) throw held(path);
    fs.renameSync(temp, path);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    tidy(staging);
    const code = codeOf(error);
    throw code === 'ENOTEMPTY' || code === 'EEXIST' ? held(path) : error;
  }
  // The staging folder stays while `path` is held: its removal (removeOwned) tidies it.
}

/** Deletes a folder made by {@link makeOwned}: its owner file, then it (anything else in it too, if need be). */
function deleteFolder(folder: string): void {
  try {
    fs.unlinkSync(join(folder, OWNER_FILE));
    fs.rmdirSync(folder);
  } catch {
    fs.rmSync(folder, { recursive: true, force: true }); // no owner file, or more than it
  }
}

/**
 * Removes a folder made by {@link makeOwned} (or any lock folder): renamed into `staging` first, so it
 * disappears at once and whole, then deleted.
 *
 * @param path - The folder.
 * @param staging - Where it is put first.
 * @throws The file system's error (`ENOENT` when there is no such folder).
 */
export function removeOwned(path: string, staging: string): void {
  // The staging folder stays while a lock is held (see makeOwned): the rename is tried before any mkdir.
  const missing = () => fs.lstatSync(path, { throwIfNoEntry: false }) === undefined;
  const aside = inStaging(staging, (name) => fs.renameSync(path, name), missing, true);
  deleteFolder(aside);
  tidy(staging);
}

/**
 * Removes the staging folder of a lock if nothing but leftovers is in it: after a release that did
 * not remove the lock (it was lost meanwhile).
 *
 * @param lockPath - The lock folder.
 */
export function tidyStaging(lockPath: string): void {
  tidy(stagingOf(lockPath));
}

/**
 * Takes the lock folder `lockPath` as `mkdir` would (what proper-lockfile's `mkdir` does through our
 * `fs`), but never without its owner file (see {@link makeOwned}). Then clears the takeover folder
 * a killed waiter left.
 *
 * @param lockPath - The lock folder.
 * @throws An `EEXIST` error when the lock is held; the file system's error otherwise (`ENOENT` when the pool's folder is missing).
 */
export function makeLock(lockPath: string): void {
  makeOwned(lockPath, stagingOf(lockPath));
  const takeover = `${lockPath}.takeover`;
  try {
    if (fs.statSync(takeover, { throwIfNoEntry: false }) !== undefined) clearDeadTakeover(takeover, lockPath);
  } catch (error) {
    log('cannot clear the takeover folder of %s: %O', lockPath, error); // the lock is held: never thrown
  }
}

/**
 * Removes a lock folder, whole (what proper-lockfile's `rmdir` does through our `fs`, and its exit handler).
 *
 * @param lockPath - The lock folder.
 * @throws The file system's error (`ENOENT` when there is no lock).
 */
export function removeLockFolder(lockPath: string): void {
  removeOwned(lockPath, stagingOf(lockPath));
}

/**
 * Removes a takeover folder whose owner is a process of this host that is gone, or that is older than
 * {@link LEFTOVER_MS} (a waiter at work holds it for microseconds).
 *
 * @param takeover - The takeover folder, `<lock>.takeover`.
 * @param lockPath - Its lock folder.
 * @returns Whether it was removed (or was gone already).
 */
export function clearDeadTakeover(takeover: string, lockPath: string): boolean {
  const owner = readOwner(takeover);
  const stats = fs.statSync(takeover, { throwIfNoEntry: false });
  if (stats === undefined) return true;
  if (!(owner !== undefined && isGone(owner)) && stats.mtimeMs >= Date.now() - LEFTOVER_MS) return false;
  try {
    removeOwned(takeover, stagingOf(lockPath));
  } catch {
    return false;
  }
  log('removed %s: the waiter that made it is gone', takeover);
  return true;
}
