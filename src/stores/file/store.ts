import { followLinks, resolveLinks } from './symlinks.js';
import { keptBytes, listHistory } from './history-read.js';
import { fileStoreOptions, type FileStoreOptions } from './file-options.js';
import { readPoolFile, readPoolFileSync, type FileRead, type FileTag } from './read.js';
import { locatePool, statOf, type Stat } from './resolve-path.js';
import { stampOf, unchanged } from './stamp.js';
import { watchFile } from './file-watch.js';
import { lockPool, writeLocked } from './locked-write.js';
import { modeOf } from './atomic-write.js';
import { refuseNonFile } from './write-errors.js';
import type { OptionsInput } from '../../options.js';
import type { HistoryEntry, PersonaStore, StoreChange, StoreRead, StoreReadOptions, StoreReplaceOptions, StoreWatch, StoreWatchListener, StoreWritten } from '../types.js';

const UNCHANGED = Object.freeze({ kind: 'unchanged' } as const);

/**
 * The file store: the pool as one JSON file, found as the Python original finds it (the variable,
 * the system path, the user path), read with one `stat` when unchanged, written under a
 * cross-process lock, atomically and durably, its replaced versions kept in `<file>.history/`.
 * It is what a `PersonaPool` uses without a `store` option. See docs/stores.md.
 */
export class FileStore implements PersonaStore<FileTag> {
  readonly #options: FileStoreOptions;
  readonly #fixedPath: string | undefined;
  /** Whether "unchanged" checks take the bigint `stat`: once a file's inode or device is too large for a number. */
  #bigintStat = false;

  /**
   * @param options - Any of {@link FileStoreOptions}; checked once, here.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  constructor(options: OptionsInput<FileStoreOptions> = {}) {
    this.#options = fileStoreOptions(options);
    this.#fixedPath = this.#options.resolveOnce ? locatePool(this.#options, false).path : undefined;
  }

  /** The pool file: fixed with `resolveOnce`, else resolved now (the variable is read at each call). */
  get location(): string {
    // The pool asks after each read of new content: a fixed path costs no `stat`.
    return this.#fixedPath ?? this.#options.path ?? locatePool(this.#options, false).path;
  }

  /**
   * One `stat` when `since` is still the file's content; else the file, read through the thread pool.
   *
   * @param since - The tag of the content the pool holds.
   * @param options - `maxBytes`.
   * @returns `unchanged` synchronously, or the read.
   */
  read(since: FileTag | undefined, options: StoreReadOptions): StoreRead<FileTag> | Promise<StoreRead<FileTag>> {
    const { path, stat } = this.#locate();
    return this.#unchanged(since, path, stat) ? UNCHANGED : this.#tagged(readPoolFile(path, options.maxBytes));
  }

  /**
   * {@link FileStore.read}, synchronously.
   *
   * @param since - The tag of the content the pool holds.
   * @param options - `maxBytes`.
   * @returns What was found.
   */
  readSync(since: FileTag | undefined, options: StoreReadOptions): StoreRead<FileTag> {
    const { path, stat } = this.#locate();
    return this.#unchanged(since, path, stat) ? UNCHANGED : this.#noteStamp(readPoolFileSync(path, options.maxBytes));
  }

  /**
   * Locks the file, reads it, lets the pool decide, writes atomically and keeps what it replaced.
   *
   * @param since - The tag of the content the pool holds.
   * @param change - The pool's check and change.
   * @param options - `maxBytes`, `historyLimit`.
   * @returns The path written and the new content's tag.
   */
  async replace(since: FileTag | undefined, change: StoreChange<FileTag>, options: StoreReplaceOptions): Promise<StoreWritten<FileTag>> {
    const path = this.location;
    const { target, stats } = followLinks(path);
    refuseNonFile(path, stats, this.#options); // before locking too: no lock folder beside a device
    const lock = await lockPool(path, target, this.#options);
    try {
      const stat = statOf(path, this.#bigintStat);
      refuseNonFile(path, stat, this.#options);
      const current = this.#unchanged(since, path, stat) ? UNCHANGED : this.#noteStamp(readPoolFileSync(path, options.maxBytes));
      const kept = current.kind === 'unchanged' ? since?.stamp : current.tag?.stamp;
      const write = await change(current);
      const content = write.replacing === null || kept === undefined ? null : { ...write.replacing, stats: kept.stats, by: write.by };
      const known = stat instanceof Error ? {} : { mode: modeOf(stat) }; // the `stat` just taken: none more
      const written = await writeLocked(write.bytes, { path, target, lock, content, ...options, ...known }, this.#options);
      return { location: path, tag: this.#noteTag({ path, stamp: stampOf(written) }) };
    } finally {
      await lock.release();
    }
  }

  /**
   * The versions kept in `<file>.history/`, newest first; only file names are read.
   *
   * @returns The entries.
   */
  history(): Promise<readonly HistoryEntry[]> {
    return listHistory(resolveLinks(this.location));
  }

  /**
   * The bytes of a kept version.
   *
   * @param version - A version {@link FileStore.history} lists.
   * @param options - `maxBytes`.
   * @returns The bytes.
   * @throws {PersonaPoolError} `UNKNOWN_VERSION`.
   */
  readVersion(version: string, options: StoreReadOptions): Promise<Uint8Array> {
    const path = this.location;
    return Promise.resolve().then(() => keptBytes(path, resolveLinks(path), version, options.maxBytes));
  }

  /**
   * Watches the file through its folder (see docs/pool.md, "Watch mode").
   *
   * @param listener - Told of changes and of a failure for good.
   * @returns The running watch.
   */
  watch(listener: StoreWatchListener): StoreWatch {
    return watchFile(this.location, listener);
  }

  #locate(): { path: string; stat: Stat } {
    const fixed = this.#fixedPath;
    return fixed === undefined ? locatePool(this.#options, this.#bigintStat) : { path: fixed, stat: statOf(fixed, this.#bigintStat) };
  }

  #unchanged(since: FileTag | undefined, path: string, stat: Stat): boolean {
    return since !== undefined && since.path === path && !(stat instanceof Error) && unchanged(since.stamp, stat);
  }

  async #tagged(read: Promise<FileRead>): Promise<FileRead> {
    return this.#noteStamp(await read);
  }

  /** A stamp numbers cannot hold switches the store to bigint `stat`s. */
  #noteStamp(read: FileRead): FileRead {
    if (read.tag !== undefined) this.#noteTag(read.tag);
    return read;
  }

  #noteTag(tag: FileTag): FileTag {
    if (tag.stamp?.numbers === null) this.#bigintStat = true;
    return tag;
  }
}

/**
 * The file store: the pool as one JSON file, found as the Python original finds it (the variable, the
 * system path, the user path), read with one `stat` when unchanged, written under a cross-process
 * lock, atomically and durably, its replaced versions kept in `<file>.history/`. It is what a
 * `PersonaPool` uses without a `store` option. See docs/stores.md.
 *
 * @param options - Any of {@link FileStoreOptions}.
 * @returns The store.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
 *
 * @example
 * ```ts
 * const pool = new PersonaPool({ store: fileStore({ path: '/srv/pools/global.json' }) });
 * ```
 */
export function fileStore(options: OptionsInput<FileStoreOptions> = {}): PersonaStore {
  return new FileStore(options);
}
