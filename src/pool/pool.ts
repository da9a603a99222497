import fs, { type BigIntStats } from 'node:fs';
import { dirname } from 'node:path';
import createDebug from 'debug';
import { followLinks, removeLeftovers, resolveLinks, writeFileAtomic, type AtomicWrite } from '../stores/file/atomic-write.js';
import { PersonaPoolError, type RejectedPersona } from '../errors.js';
import { keepable, keepVersion, type Content, type Keeping } from '../stores/file/history.js';
import type { HistoryEntry } from '../stores/types.js';
import { keptEntries, listHistory } from '../stores/file/history-restore.js';
import type { ChangesOptions } from './changes.js';
import { Live } from './live.js';
import { acquireLock, LockError, type HeldLock } from '../stores/file/lock.js';
import { inspectPersonas } from '../persona/parse.js';
import type { OptionsInput } from '../options.js';
import { poolOptions, type PersonaPoolOptions } from './options.js';
import { locatePool, statOf, type Stat } from '../stores/file/resolve-path.js';
import { stampOf, unchanged, type Stamp } from '../stores/file/stamp.js';
import type { EmailPersona } from '../persona/schema.js';
import { recallValidation, type Validated } from './validated.js';
import type { PersonaWarning } from '../persona/warnings.js';
import type { PoolListener } from './subscribers.js';
import { readPoolFile, readPoolFileSync, toSnapshot, writtenSnapshot, type FileRead, type PoolSnapshot } from './snapshot.js';
import { refuseNonFile, writeFailed } from '../stores/file/write-errors.js';

const log = createDebug('persona-pool:pool');
/** Encodes the file's text: a `TextEncoder` is faster than `Buffer.from` for text of this size. */
const UTF8 = new TextEncoder();

/** Options of a read: the language default for this call. */
export interface ReadOptions {
  /** The language of personas without one, for this call; default (also when `undefined`): the pool's `languageDefault`. */
  readonly languageDefault?: string | undefined;
}

/** Options of {@link PersonaPool.replace}. */
export interface ReplaceOptions {
  /** Write only if the pool's current `version` is this one. */
  readonly ifMatch?: string | undefined;
}

/**
 * The change of {@link PersonaPool.update}: given the personas now in the pool (frozen) and the
 * snapshot they come from (see its `problem` if the list is empty), it returns the new list.
 */
export type UpdateFunction = (personas: readonly EmailPersona[], snapshot: PoolSnapshot) => unknown;

/** What {@link PersonaPool.replace} wrote. */
export interface ReplaceResult {
  /** The pool file written (as resolved, before following symlinks). */
  readonly path: string;
  /** The personas now in the pool, frozen, in input order. */
  readonly personas: readonly EmailPersona[];
  /** The entries left out as invalid, with their input index and reasons. */
  readonly rejected: readonly RejectedPersona[];
  /** What was accepted but is probably a mistake, by input index (see `inspectPersonas`); it changed nothing written. */
  readonly warnings: readonly PersonaWarning[];
  /** The pool's new version (the HTTP ETag). */
  readonly version: string;
}

interface CacheEntry {
  readonly snapshot: PoolSnapshot;
  /** The stamp of the handle the content was read from; undefined for the missing file. */
  readonly stamp: Stamp | undefined;
  /** The watch generation the entry was last confirmed in (by a `stat`, a read or a write). */
  checked: number;
}

/**
 * The persona pool file: cached reads that cost one `stat` when nothing changed (no syscall in watch
 * mode, `{ watch: true }`), locked, atomic, durable writes, and subscriptions to its changes. Pools
 * share no state; use one per file.
 *
 * @example
 * ```ts
 * const pool = new PersonaPool();
 * const personas = await pool.load(); // on every tick: one stat when the file is unchanged
 * await pool.replace([{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' }]);
 * ```
 */
export class PersonaPool {
  readonly #options: PersonaPoolOptions;
  readonly #cache = new Map<string, CacheEntry>();
  /** Whether cache hits check with the bigint `stat`: once a file's inode or device is too large for a number. */
  #bigintStat = false;
  #queue: Promise<unknown> = Promise.resolve();
  /** In watch mode, the path resolved once, at construction. */
  readonly #fixedPath: string | undefined;
  readonly #live: Live;

  /**
   * @param options - Any of {@link PersonaPoolOptions}, each `undefined` meaning its default; checked once, here.
   * With `watch: true`, the path is resolved here, once, and the watch starts.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  constructor(options: OptionsInput<PersonaPoolOptions> = {}) {
    this.#options = poolOptions(options);
    this.#fixedPath = this.#options.watch ? this.#locate().path : undefined;
    const lastVersion = () => (this.#cache.get(this.#options.languageDefault)?.snapshot ?? this.snapshotSync()).version;
    this.#live = new Live({ resolvePath: () => this.resolvePath(), snapshot: () => this.snapshot(), lastVersion }, this.#options.watch);
  }

  /**
   * Whether reads are answered from memory: watch mode, its watcher running. False in stat mode, after
   * a fallback (a folder missing, moved or replaced, a watcher error, a network file system: see
   * docs/pool.md) and after {@link PersonaPool.close}.
   */
  get watching(): boolean {
    return this.#live.watching;
  }

  /**
   * The pool file, as the original resolves it: the variable if set and not blank; else the
   * system path if it exists; else the system path if its folder is writable; else the user path.
   * It writes nothing.
   *
   * @returns The path.
   */
  resolvePath(): string {
    return this.#fixedPath ?? this.#locate().path;
  }

  /**
   * The pool now, with its version and any problem; cached, so an unchanged file costs one `stat`
   * (in watch mode, while the watch vouches for the cache, none).
   *
   * @param options - `languageDefault` for this call.
   * @returns The frozen snapshot.
   */
  snapshotSync(options: ReadOptions = {}): PoolSnapshot {
    const language = this.#language(options);
    const trusted = this.#trusted(language);
    if (trusted !== undefined) return trusted;
    const generation = this.#live.generation;
    const { path, stat } = this.#locate();
    return this.#readSync(language, path, stat, generation);
  }

  /**
   * Like {@link PersonaPool.snapshotSync}, but a changed file is read through the thread pool.
   * A cache hit does no asynchronous I/O.
   *
   * @param options - `languageDefault` for this call.
   * @returns The frozen snapshot.
   */
  async snapshot(options: ReadOptions = {}): Promise<PoolSnapshot> {
    const language = this.#language(options);
    const trusted = this.#trusted(language);
    if (trusted !== undefined) return trusted;
    const generation = this.#live.generation;
    const { path, stat } = this.#locate();
    return this.#hit(language, path, stat, generation) ?? this.#store(language, path, await readPoolFile(path, this.#options.maxBytes), generation);
  }

  /**
   * The valid personas, frozen; the same array while the file is unchanged. Never throws for
   * anything on disk: a missing or unusable file gives `[]` (see `snapshot().problem` for why).
   *
   * @param options - `languageDefault` for this call.
   * @returns The personas.
   */
  loadSync(options: ReadOptions = {}): readonly EmailPersona[] {
    return this.snapshotSync(options).personas;
  }

  /**
   * Like {@link PersonaPool.loadSync}; a cache hit costs one synchronous `stat` (none in watch mode)
   * and no thread-pool round trip.
   *
   * @param options - `languageDefault` for this call.
   * @returns The personas.
   */
  async load(options: ReadOptions = {}): Promise<readonly EmailPersona[]> {
    const language = this.#language(options);
    const trusted = this.#trusted(language);
    if (trusted !== undefined) return trusted.personas;
    const generation = this.#live.generation;
    const { path, stat } = this.#locate();
    const hit = this.#hit(language, path, stat, generation);
    if (hit) return hit.personas;
    return this.#store(language, path, await readPoolFile(path, this.#options.maxBytes), generation).personas;
  }

  /**
   * Replaces the pool with the valid entries of `entries`, under a cross-process lock, atomically.
   * Calls on one pool run in call order.
   *
   * @param entries - The new personas.
   * @param options - `ifMatch`: write only if the current version is this one.
   * @returns What was written, the entries rejected, and the warnings (see `inspectPersonas`).
   * @throws {PersonaPoolError} `NOT_A_LIST`, `TOO_MANY`, `ALL_INVALID`, `VERSION_MISMATCH`, `LOCKED`, `LOCK_COMPROMISED`,
   *   `WRITE_FAILED` (409 when the path is not a regular file).
   */
  replace(entries: unknown, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    return this.#enqueue(() => {
      const valid = this.#validate(entries);
      return this.#change(options, () => valid);
    });
  }

  /**
   * Read-modify-write under the pool's lock: `fn` gets the personas now in the pool and returns the
   * new list, which is validated and written as {@link PersonaPool.replace} writes it. Updates from
   * several processes each see the result of the previous one. If `fn` throws, nothing is written and
   * its error is rethrown as it is. Queued with the other writes of this pool: `fn` must not await a
   * write of the same pool, which would wait for `fn`.
   *
   * @param fn - The change; it may be async.
   * @param options - `ifMatch`: change only if the current version is this one (checked before `fn` runs).
   * @returns What was written, and the entries rejected.
   * @throws {PersonaPoolError} As `replace`; and whatever `fn` throws.
   *
   * @example
   * ```ts
   * await pool.update((personas) => personas.filter((persona) => persona.email !== 'gone@corp.example'));
   * ```
   */
  update(fn: UpdateFunction, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    return this.#enqueue(() => this.#change(options, async (current) => this.#validate(await fn(current.personas, current))));
  }

  /**
   * The versions the pool's history keeps (each replaced content, up to `historyLimit`), newest
   * first. It reads only file names, never their content.
   *
   * @returns `{ version, savedAt, count }` of each version kept.
   */
  history(): Promise<readonly HistoryEntry[]> {
    return listHistory(resolveLinks(this.resolvePath()));
  }

  /**
   * Replaces the pool with a version its history keeps, as {@link PersonaPool.replace} would (locked,
   * atomic; the content it replaces is kept in turn).
   *
   * @param version - A `version` listed by {@link PersonaPool.history}.
   * @param options - `ifMatch`: write only if the current version is this one.
   * @returns What was written.
   * @throws {PersonaPoolError} `UNKNOWN_VERSION` (404) for a version not kept; as `replace` otherwise.
   */
  restore(version: string, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    return this.#enqueue(() => {
      const path = this.resolvePath();
      const valid = this.#validate(keptEntries(path, resolveLinks(path), version, this.#options.maxBytes));
      return this.#change(options, () => valid);
    });
  }

  /** Forgets every cached read: the next load reads the file. */
  resetCache(): void {
    this.#cache.clear();
  }

  /**
   * Calls `listener` with the pool's new snapshot (default language) each time its content changes:
   * in order, once per version, never for a write that left the content equal. Writes through this
   * pool are told at once; others when their event arrives (in stat mode, the first subscriber
   * starts a watch of its own, stopped when the last one leaves). A listener that throws is logged
   * through `debug` and the others are still called. See docs/pool.md, "Subscriptions".
   *
   * @param listener - Called with each new snapshot.
   * @returns The function that ends this subscription.
   *
   * @example
   * ```ts
   * const unsubscribe = pool.subscribe((snapshot) => replan(snapshot.personas));
   * ```
   */
  subscribe(listener: PoolListener): () => void {
    return this.#live.subscribe(listener);
  }

  /**
   * The pool's new snapshots as an async iterator, subscribed from this call: the same versions as
   * {@link PersonaPool.subscribe}, but coalesced, so a consumer slower than the changes gets the
   * latest snapshot when it asks, never a queue. Ends cleanly when `signal` aborts, on `break`, or on
   * {@link PersonaPool.close}.
   *
   * @param options - `signal`: ends the iteration.
   * @returns The iterator.
   *
   * @example
   * ```ts
   * for await (const snapshot of pool.changes({ signal })) render(snapshot);
   * ```
   */
  changes(options: ChangesOptions = {}): AsyncIterableIterator<PoolSnapshot> {
    return this.#live.changes(options);
  }

  /**
   * Stops watching and ends every subscription and iterator; the pool still reads (each read with a
   * `stat`) and writes. Idempotent. A pool that is never closed does not keep the process alive.
   *
   * @returns Once done.
   */
  close(): Promise<void> {
    return this.#live.close();
  }

  /**
   * {@link PersonaPool.close}, for `await using pool = new PersonaPool({ watch: true })`.
   *
   * @returns Once closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #language(options: ReadOptions): string {
    return options.languageDefault ?? this.#options.languageDefault;
  }

  #locate(): { path: string; stat: Stat } {
    const fixed = this.#fixedPath;
    return fixed === undefined ? locatePool(this.#options, this.#bigintStat) : { path: fixed, stat: statOf(fixed, this.#bigintStat) };
  }

  /** The cached snapshot when events vouch for it (watch mode): no syscall. */
  #trusted(language: string): PoolSnapshot | undefined {
    const trusted = this.#live.trusted;
    if (trusted === -1) return undefined;
    const entry = this.#cache.get(language);
    return entry?.checked === trusted ? entry.snapshot : undefined;
  }

  /** The cached snapshot when `stat` shows its file unchanged; confirmed in `generation`, taken before the `stat`. */
  #hit(language: string, path: string, stat: Stat, generation: number): PoolSnapshot | undefined {
    const entry = this.#cache.get(language);
    if (entry === undefined || entry.snapshot.path !== path || stat instanceof Error || !unchanged(entry.stamp, stat)) return undefined;
    entry.checked = generation;
    return entry.snapshot;
  }

  /** Caches a snapshot with the stamp of its content; a stamp numbers cannot hold switches the pool to bigint `stat`s. */
  #remember(language: string, snapshot: PoolSnapshot, stats: BigIntStats | undefined, checked: number): void {
    const stamp = stats === undefined ? undefined : stampOf(stats);
    if (stamp?.numbers === null) this.#bigintStat = true;
    this.#cache.set(language, { snapshot, stamp, checked });
  }

  #store(language: string, path: string, read: FileRead, generation: number): PoolSnapshot {
    const snapshot = toSnapshot(path, read, language);
    if (read.kind === 'failed') this.#cache.delete(language);
    else this.#remember(language, snapshot, read.kind === 'read' ? read.stats : undefined, generation);
    return snapshot;
  }

  #readSync(language: string, path: string, stat: Stat, generation: number): PoolSnapshot {
    return this.#hit(language, path, stat, generation) ?? this.#store(language, path, readPoolFileSync(path, this.#options.maxBytes), generation);
  }

  /** Runs the writes of this pool one after another, in call order, whatever each one's outcome. */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Locks, checks `ifMatch`, asks `change` for the new personas, and writes them. */
  async #change(options: ReplaceOptions, change: (current: PoolSnapshot) => Validated | Promise<Validated>): Promise<ReplaceResult> {
    const path = this.resolvePath();
    const { target, stats } = followLinks(path);
    refuseNonFile(path, stats, this.#options); // before locking too: no lock folder beside a device
    const lock = await this.#lock(path, target);
    try {
      const { snapshot: current, content } = this.#current(path);
      if (options.ifMatch !== undefined && options.ifMatch !== current.version) {
        throw new PersonaPoolError('VERSION_MISMATCH', `The persona pool ${path} changed since version ${options.ifMatch} (now ${current.version}): reload it and apply your change again`);
      }
      const { personas, rejected, warnings } = await change(current);
      // Parsed personas hold exactly the eleven fields, in schema order: the schema's output is built so.
      const bytes = UTF8.encode(`${JSON.stringify(personas, null, 2)}\n`);
      // The personas just validated are what the file will hold: hashed and frozen while the disk
      // syncs, and cached as they are, not parsed again.
      const { stats: written, made: snapshot } = await this.#write(path, target, bytes, lock, content, () => writtenSnapshot(path, personas, bytes));
      // A new generation: a read that began before this write cannot leave its older content vouched for.
      this.#remember(this.#options.languageDefault, snapshot, written, this.#live.advance());
      this.#live.written(snapshot);
      log('replaced %s: %d personas, %d rejected', path, snapshot.personas.length, rejected.length);
      return { path, personas: snapshot.personas, rejected, warnings, version: snapshot.version };
    } finally {
      await lock.release();
    }
  }

  /** Under the lock: the pool now, and what of it the history can keep; a path that is not a regular file is refused. */
  #current(path: string): { snapshot: PoolSnapshot; content: Content | null } {
    const generation = this.#live.generation; // taken before the stat, as every read takes it
    const stat = statOf(path, this.#bigintStat);
    refuseNonFile(path, stat, this.#options);
    const { languageDefault } = this.#options;
    const snapshot = this.#readSync(languageDefault, path, stat, generation);
    return { snapshot, content: keepable(snapshot, this.#cache.get(languageDefault)?.stamp?.stats) };
  }

  #validate(entries: unknown): Validated {
    if (!Array.isArray(entries)) {
      throw new PersonaPoolError('NOT_A_LIST', 'The personas must be a JSON list of persona objects');
    }
    const { maxPersonas, languageDefault } = this.#options;
    if (entries.length > maxPersonas) {
      throw new PersonaPoolError('TOO_MANY', `Too many personas: ${entries.length}, the limit is ${maxPersonas}: trim the list or raise maxPersonas`);
    }
    const { personas, rejected, warnings } = recallValidation(entries, languageDefault) ?? inspectPersonas(entries, { languageDefault });
    if (entries.length > 0 && personas.length === 0) {
      const reasons = rejected.slice(0, 3).map(({ index, issues }) => `#${index}: ${issues.map((issue) => issue.message).join(', ')}`);
      const message = `Persona validation failed: no entry is valid. Each persona needs name, email (as user@domain.tld) and role. First reasons: ${reasons.join('; ')}`;
      throw new PersonaPoolError('ALL_INVALID', message, { rejected });
    }
    return { personas, rejected, warnings };
  }

  async #lock(path: string, target: string): Promise<HeldLock> {
    const timing = { staleMs: this.#options.lockStaleMs, waitMs: this.#options.lockWaitMs };
    try {
      return await acquireLock(target, timing).catch((error: unknown) => {
        // The folder does not exist yet: make it, then lock again.
        if (!(error instanceof LockError && error.code === 'ENOENT')) throw error;
        fs.mkdirSync(dirname(target), { recursive: true });
        return acquireLock(target, timing);
      });
    } catch (error) {
      if (error instanceof LockError && error.code === 'ELOCKED') {
        const message = `The persona pool ${path} is locked by another writer (${target}.lock) and stayed locked for ${this.#options.lockWaitMs} ms: try again shortly`;
        throw new PersonaPoolError('LOCKED', message, { cause: error });
      }
      throw writeFailed(path, error instanceof LockError ? error.cause : error, this.#options);
    }
  }

  async #write<T>(path: string, target: string, bytes: Uint8Array, lock: HeldLock, content: Content | null, made: () => T): Promise<AtomicWrite<T>> {
    const { historyLimit: limit, maxBytes } = this.#options;
    let keeping: Keeping | undefined;
    // While the temporary file's fsync runs: clear what killed writers left, keep the version being
    // replaced, and make what the caller needs.
    const whileSyncing = (temp: string) => {
      removeLeftovers(target, temp);
      keeping = keepVersion(target, content, { limit, maxBytes });
      return made();
    };
    const beforeRename = () => {
      lock.assertHeld();
      refuseNonFile(path, statOf(target, false), this.#options);
    };
    // The lock is released as soon as the new file is in place and the history pruned, while the folder's fsync runs.
    const afterRename = () => {
      keeping?.prune();
      keeping = undefined;
      void lock.release();
    };
    try {
      return await writeFileAtomic(target, bytes, { whileSyncing, beforeRename, afterRename });
    } catch (error) {
      keeping?.forget();
      throw this.#failure(path, error);
    }
  }

  #failure(path: string, error: unknown): PersonaPoolError {
    if (error instanceof PersonaPoolError) return error;
    if ((error as NodeJS.ErrnoException).code !== 'ECOMPROMISED') return writeFailed(path, error, this.#options);
    const message = `The lock on the persona pool ${path} was lost during the write (${String(error)}); nothing was written: try again`;
    return new PersonaPoolError('LOCK_COMPROMISED', message, { cause: error });
  }
}
