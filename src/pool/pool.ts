import { ReadCache } from './cache.js';
import type { ChangesOptions } from './changes.js';
import { Live } from './live.js';
import { poolOptions, type PersonaPoolOptions } from './pool-options.js';
import { PoolReads } from './reads.js';
import type { PoolSnapshot } from './snapshot.js';
import type { PoolListener } from './subscribers.js';
import { PoolWrites, type ReplaceOptions, type ReplaceResult, type UpdateFunction } from './transaction.js';
import type { OptionsInput } from '../options.js';
import type { EmailPersona } from '../persona/schema.js';
import type { HistoryEntry, PersonaStore } from '../stores/types.js';

/** Options of a read: the language default for this call. */
export interface ReadOptions {
  /** The language of personas without one, for this call; default (also when `undefined`): the pool's `languageDefault`. */
  readonly languageDefault?: string | undefined;
}

/**
 * Makes the store of a pool given no `store` option; the pool itself knows no kind of store.
 *
 * @internal
 */
export type DefaultStore = (options: PersonaPoolOptions) => PersonaStore;

/**
 * The persona pool over any store; `PersonaPool` is this with the file store as its default. See
 * `PersonaPool` for the documentation of each method.
 */
export class StorePool {
  readonly #options: PersonaPoolOptions;
  readonly #store: PersonaStore;
  readonly #cache: ReadCache;
  readonly #live: Live;
  readonly #reads: PoolReads;
  readonly #writes: PoolWrites;

  /**
   * @param options - Any of {@link PersonaPoolOptions}; checked once, here.
   * @param defaultStore - The store when `options.store` is not set.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  constructor(options: OptionsInput<PersonaPoolOptions>, defaultStore: DefaultStore) {
    const checked = poolOptions(options);
    this.#options = checked;
    this.#store = checked.store ?? defaultStore(checked);
    this.#cache = new ReadCache(this.#store, checked.maxBytes);
    const language = checked.languageDefault;
    this.#live = new Live({ store: this.#store, snapshot: () => this.snapshot(), lastVersion: () => this.#reads.lastVersion(language) }, checked.watch);
    this.#reads = new PoolReads(this.#store, this.#cache, this.#live);
    this.#writes = new PoolWrites(checked, this.#store, this.#cache, this.#live);
  }

  /**
   * Whether reads are answered from memory: watch mode, its store's watch running and healthy. False
   * without watch mode, after a fallback (see docs/pool.md, "Watch mode"), with a store that cannot
   * watch, and after {@link StorePool.close}.
   */
  get watching(): boolean {
    return this.#live.watching;
  }

  /** Where the pool lives, without secrets: the store's `location` (a file path; `postgres:persona_pools/global`). */
  get location(): string {
    return this.#store.location;
  }

  /**
   * The pool now, with its version and any problem; cached, so unchanged content costs one cheap
   * check of the store (the file store: one `stat`; in watch mode, while the watch vouches, none).
   *
   * @param options - `languageDefault` for this call.
   * @returns The frozen snapshot.
   * @throws {PersonaPoolError} `SYNC_UNSUPPORTED` on a store that cannot read synchronously, but in
   *   watch mode once a snapshot is held (see docs/stores.md).
   */
  snapshotSync(options: ReadOptions = {}): PoolSnapshot {
    return this.#reads.snapshotSync(this.#language(options));
  }

  /**
   * Like {@link StorePool.snapshotSync}, but changed content is read asynchronously. A cache hit
   * does no asynchronous I/O.
   *
   * @param options - `languageDefault` for this call.
   * @returns The frozen snapshot.
   */
  async snapshot(options: ReadOptions = {}): Promise<PoolSnapshot> {
    return this.#reads.snapshot(this.#language(options));
  }

  /**
   * The valid personas, frozen; the same array while the content is unchanged. Never throws for
   * anything stored: missing or unusable content gives `[]` (see `snapshot().problem` for why).
   *
   * @param options - `languageDefault` for this call.
   * @returns The personas.
   * @throws {PersonaPoolError} `SYNC_UNSUPPORTED` as {@link StorePool.snapshotSync}.
   */
  loadSync(options: ReadOptions = {}): readonly EmailPersona[] {
    return this.snapshotSync(options).personas;
  }

  /**
   * Like {@link StorePool.loadSync}; a cache hit costs one cheap check of the store (none in watch
   * mode) and no thread-pool round trip.
   *
   * @param options - `languageDefault` for this call.
   * @returns The personas.
   */
  load(options: ReadOptions = {}): Promise<readonly EmailPersona[]> {
    return this.#reads.load(this.#language(options));
  }

  /**
   * Replaces the pool with the valid entries of `entries`, under the store's lock, atomically.
   * Calls on one pool run in call order.
   *
   * @param entries - The new personas.
   * @param options - `ifMatch`: write only if the current version is this one; `by`: who writes.
   * @returns What was written, the entries rejected, and the warnings (see `inspectPersonas`).
   * @throws {PersonaPoolError} `NOT_A_LIST`, `TOO_MANY`, `ALL_INVALID`, `VERSION_MISMATCH`, `LOCKED`, `LOCK_COMPROMISED`,
   *   `WRITE_FAILED` (409 when the path is not a regular file), `STORE_UNAVAILABLE`.
   */
  replace(entries: unknown, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    return this.#writes.replace(entries, options);
  }

  /**
   * Read-modify-write under the store's lock: `fn` gets the personas now in the pool and returns the
   * new list, which is validated and written as {@link StorePool.replace} writes it. Updates from
   * several processes each see the result of the previous one. If `fn` throws, nothing is written and
   * its error is rethrown as it is. Queued with the other writes of this pool: `fn` must not await a
   * write of the same pool, which would wait for `fn`.
   *
   * @param fn - The change; it may be async.
   * @param options - `ifMatch`: change only if the current version is this one (checked before `fn` runs); `by`: who writes.
   * @returns What was written, and the entries rejected.
   * @throws {PersonaPoolError} As `replace`; `INVALID_OPTION` when `fn` is not a function; and whatever `fn` throws.
   *
   * @example
   * ```ts
   * await pool.update((personas) => personas.filter((persona) => persona.email !== 'gone@corp.example'));
   * ```
   */
  update(fn: UpdateFunction, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    return this.#writes.update(fn, options);
  }

  /**
   * The versions the store's history keeps (each replaced content, up to `historyLimit`), newest
   * first. The file store reads only file names, never their content.
   *
   * @returns `{ version, savedAt, count, by? }` of each version kept (`by`: who replaced it).
   */
  history(): Promise<readonly HistoryEntry[]> {
    return this.#store.history();
  }

  /**
   * Replaces the pool with a version its history keeps, as {@link StorePool.replace} would (locked,
   * atomic; the content it replaces is kept in turn).
   *
   * @param version - A `version` listed by {@link StorePool.history}.
   * @param options - `ifMatch`: write only if the current version is this one; `by`: who restores.
   * @returns What was written.
   * @throws {PersonaPoolError} `UNKNOWN_VERSION` (404) for a version not kept; `VERSION_UNREADABLE` (500)
   *   when it is kept but cannot be read; as `replace` otherwise.
   */
  restore(version: string, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    return this.#writes.restore(version, options);
  }

  /** Forgets every cached read: the next load reads the store. */
  resetCache(): void {
    this.#cache.clear();
  }

  /**
   * Calls `listener` with the pool's new snapshot (default language) each time its content changes:
   * in order, once per version, never for a write that left the content equal. Writes through this
   * pool are told at once; others when the store's watch hints at them (without watch mode, the first
   * subscriber starts a watch of its own, stopped when the last one leaves; a store that cannot watch
   * is polled every second). A listener that throws is logged through `debug` and the others are
   * still called. See docs/pool.md, "Subscriptions".
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
   * {@link StorePool.subscribe}, but coalesced, so a consumer slower than the changes gets the
   * latest snapshot when it asks, never a queue. Ends cleanly when `signal` aborts, on `break`, or on
   * {@link StorePool.close}.
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
   * Stops watching and ends every subscription and iterator; the pool still reads and writes.
   * Idempotent. A pool that is never closed does not keep the process alive. A store given in the
   * `store` option is not closed: whoever made it closes it.
   *
   * @returns Once done.
   */
  close(): Promise<void> {
    return this.#live.close();
  }

  /**
   * {@link StorePool.close}, for `await using pool = new PersonaPool({ watch: true })`.
   *
   * @returns Once closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #language(options: ReadOptions): string {
    return options.languageDefault ?? this.#options.languageDefault;
  }
}
