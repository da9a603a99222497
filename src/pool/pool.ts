import { logger } from '../log.js';
import type { RejectedPersona } from '../errors.js';
import { PersonaPoolError } from '../errors.js';
import type { EmailPersona } from '../persona/schema.js';
import type { PersonaWarning } from '../persona/warnings.js';
import type { OptionsInput } from '../options.js';
import { fileStore } from '../stores/file/store.js';
import type { HistoryEntry, PersonaStore } from '../stores/types.js';
import { versionOf } from '../version.js';
import { ReadCache } from './cache.js';
import type { ChangesOptions } from './changes.js';
import { Live } from './live.js';
import { poolOptions, type PersonaPoolOptions } from './options.js';
import { writtenSnapshot, type PoolSnapshot } from './snapshot.js';
import type { PoolListener } from './subscribers.js';
import type { Validated } from './validated.js';
import { checkMatch, keepable, keptList, serialize, validateEntries } from './write.js';

const log = logger('persona-pool:pool');

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
  /** Where it was written: the pool file (as resolved, before following symlinks), or the store's `location`. */
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

/**
 * The persona pool: cached reads that cost one `stat` when nothing changed (no syscall in watch
 * mode, `{ watch: true }`), locked, atomic, durable writes, and subscriptions to its changes. Pools
 * share no state; use one per file. The pool lives in a file unless the `store` option puts it
 * elsewhere (see docs/stores.md); every method works on any store.
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
  readonly #store: PersonaStore;
  readonly #cache: ReadCache;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #live: Live;

  /**
   * @param options - Any of {@link PersonaPoolOptions}, each `undefined` meaning its default; checked once, here.
   * With `watch: true`, the path is resolved here, once, and the watch starts.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  constructor(options: OptionsInput<PersonaPoolOptions> = {}) {
    this.#options = poolOptions(options);
    const { path, env, envVar, systemPath, userPath, lockStaleMs, lockWaitMs, watch } = this.#options;
    this.#store = this.#options.store ?? fileStore({ path, env, envVar, systemPath, userPath, lockStaleMs, lockWaitMs, resolveOnce: watch });
    this.#cache = new ReadCache(this.#store, this.#options.maxBytes);
    this.#live = new Live({ store: this.#store, snapshot: () => this.snapshot(), lastVersion: () => this.#lastVersion() }, watch);
  }

  /**
   * Whether reads are answered from memory: watch mode, its watcher running. False in stat mode, after
   * a fallback (a folder missing, moved or replaced, a watcher error, a network file system: see
   * docs/pool.md), with a store that cannot watch (or whose watch is unhealthy now), and after
   * {@link PersonaPool.close}.
   */
  get watching(): boolean {
    return this.#live.watching;
  }

  /**
   * The pool file, as the original resolves it: the variable if set and not blank; else the
   * system path if it exists; else the system path if its folder is writable; else the user path.
   * It writes nothing. With a `store` option: the store's `location`.
   *
   * @returns The path.
   */
  resolvePath(): string {
    return this.#store.location;
  }

  /**
   * The pool now, with its version and any problem; cached, so an unchanged file costs one `stat`
   * (in watch mode, while the watch vouches for the cache, none).
   *
   * @param options - `languageDefault` for this call.
   * @returns The frozen snapshot.
   * @throws {PersonaPoolError} `SYNC_UNSUPPORTED` on a store that cannot read synchronously, but in
   *   watch mode once a snapshot is held (see docs/stores.md).
   */
  snapshotSync(options: ReadOptions = {}): PoolSnapshot {
    const language = this.#language(options);
    const trusted = this.#trusted(language);
    if (trusted !== undefined) return trusted;
    return this.#heldWhileWatching(language) ?? this.#cache.readSync(language, this.#live.generation);
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
    return this.#trusted(language) ?? this.#cache.read(language, this.#live.generation);
  }

  /**
   * The valid personas, frozen; the same array while the file is unchanged. Never throws for
   * anything on disk: a missing or unusable file gives `[]` (see `snapshot().problem` for why).
   *
   * @param options - `languageDefault` for this call.
   * @returns The personas.
   * @throws {PersonaPoolError} `SYNC_UNSUPPORTED` as {@link PersonaPool.snapshotSync}.
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
    const read = this.#cache.read(language, this.#live.generation);
    return read instanceof Promise ? (await read).personas : read.personas;
  }

  /**
   * Replaces the pool with the valid entries of `entries`, under a cross-process lock, atomically.
   * Calls on one pool run in call order.
   *
   * @param entries - The new personas.
   * @param options - `ifMatch`: write only if the current version is this one.
   * @returns What was written, the entries rejected, and the warnings (see `inspectPersonas`).
   * @throws {PersonaPoolError} `NOT_A_LIST`, `TOO_MANY`, `ALL_INVALID`, `VERSION_MISMATCH`, `LOCKED`, `LOCK_COMPROMISED`,
   *   `WRITE_FAILED` (409 when the path is not a regular file), `STORE_UNAVAILABLE`.
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
   * first. The file store reads only file names, never their content.
   *
   * @returns `{ version, savedAt, count }` of each version kept.
   */
  history(): Promise<readonly HistoryEntry[]> {
    return this.#store.history();
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
    return this.#enqueue(async () => {
      const bytes = await this.#store.readVersion(version, { maxBytes: this.#options.maxBytes });
      const valid = this.#validate(keptList(this.#store.location, version, bytes));
      return this.#change(options, () => valid);
    });
  }

  /** Forgets every cached read: the next load reads the store. */
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
   * `stat`) and writes. Idempotent. A pool that is never closed does not keep the process alive. A
   * store given in the `store` option is not closed: whoever made it closes it.
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

  #lastVersion(): string {
    const held = this.#cache.get(this.#options.languageDefault)?.snapshot;
    if (held !== undefined) return held.version;
    return this.#store.readSync === undefined ? '' : this.snapshotSync().version;
  }

  /** The cached snapshot when the watch vouches for it (watch mode): no call to the store. */
  #trusted(language: string): PoolSnapshot | undefined {
    const trusted = this.#live.trusted;
    if (trusted === -1) return undefined;
    const entry = this.#cache.get(language);
    return entry?.checked === trusted ? entry.snapshot : undefined;
  }

  /**
   * A store without `readSync`, in watch mode with a healthy watch: the snapshot held, even if a hint
   * came since (a read to refresh it starts); undefined otherwise.
   */
  #heldWhileWatching(language: string): PoolSnapshot | undefined {
    if (this.#store.readSync !== undefined || !this.#live.watching) return undefined;
    const held = this.#cache.get(language)?.snapshot;
    if (held !== undefined) this.snapshot({ languageDefault: language }).catch((error: unknown) => log('refreshing the persona pool failed: %O', error));
    return held;
  }

  /** Runs the writes of this pool one after another, in call order, whatever each one's outcome. */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Under the store's lock: checks `ifMatch`, asks `change` for the new personas, and has the store write them. */
  async #change(options: ReplaceOptions, change: (current: PoolSnapshot) => Validated | Promise<Validated>): Promise<ReplaceResult> {
    const { languageDefault: language, maxBytes, historyLimit } = this.#options;
    const entry = this.#cache.get(language);
    const generation = this.#live.generation; // taken before the read under the lock, as every read takes it
    let made: (Validated & { readonly version: string }) | undefined;
    const written = await this.#store.replace(entry?.tag, async (read) => {
      const current = this.#cache.settle(language, entry, read, generation);
      checkMatch(options.ifMatch, current);
      const validated = await change(current);
      const bytes = serialize(validated.personas);
      made = { ...validated, version: versionOf(bytes) };
      return { bytes, version: made.version, count: validated.personas.length, replacing: keepable(current) };
    }, { maxBytes, historyLimit });
    if (made === undefined) throw new PersonaPoolError('WRITE_FAILED', `The store of ${written.location} wrote without asking the pool what: it breaks the store contract (docs/stores.md)`);
    const { personas, rejected, warnings, version } = made;
    // The personas just validated are what the store holds: cached as they are, not parsed again.
    const snapshot = writtenSnapshot(written.location, personas, version);
    // A new generation: a read that began before this write cannot leave its older content vouched for.
    this.#cache.remember(language, snapshot, written.tag, this.#live.advance());
    this.#live.written(snapshot);
    log('replaced %s: %d personas, %d rejected', written.location, snapshot.personas.length, rejected.length);
    return { path: written.location, personas: snapshot.personas, rejected, warnings, version };
  }

  #validate(entries: unknown): Validated {
    return validateEntries(entries, this.#options);
  }
}
