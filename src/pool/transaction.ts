import { logger } from '../log.js';
import { PersonaPoolError } from '../errors.js';
import type { ReadCache } from './cache.js';
import type { Live } from './live.js';
import type { PersonaPoolOptions } from './pool-options.js';
import { writtenSnapshot, type PoolSnapshot } from './snapshot.js';
import { checkBy } from './by.js';
import { checkMatch, historyEntryOf, restorableList, serialize, validateEntries, type Validated } from './validate.js';
import type { RejectedPersona } from '../errors.js';
import type { EmailPersona } from '../persona/schema.js';
import type { PersonaWarning } from '../persona/warnings.js';
import type { PersonaStore } from '../stores/types.js';
import { versionOf } from '../version.js';

const log = logger('persona-pool:pool');

/** Options of `PersonaPool.replace`, `update` and `restore`. */
export interface ReplaceOptions {
  /** Write only if the pool's current `version` is this one. */
  readonly ifMatch?: string | undefined;
  /**
   * Who writes (a user id or name, at most 64 UTF-8 bytes): kept with the version this write
   * replaces, as its `by` in `PersonaPool.history`.
   */
  readonly by?: string | undefined;
}

/**
 * The change of `PersonaPool.update`: given the personas now in the pool (frozen) and the snapshot
 * they come from (see its `problem` if the list is empty), it returns the new list.
 */
export type UpdateFunction = (personas: readonly EmailPersona[], snapshot: PoolSnapshot) => unknown;

/** What `PersonaPool.replace` wrote. */
export interface ReplaceResult {
  /** Where it was written: the store's `location` (the file store: the pool file, before following symlinks). */
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
 * The version of `bytes`, computed once: on the first call, or on the event loop's next turn, which
 * comes while the store waits for its write (the file store: the `fsync`), so the hash costs no time.
 */
function hashedSoon(bytes: Uint8Array): () => string {
  let version: string | undefined;
  const get = () => (version ??= versionOf(bytes));
  setImmediate(get);
  return get;
}

/**
 * The write side of one pool: writes run one after another in call order; each is one store
 * transaction (under the store's lock: read, check `ifMatch`, change, write), then cached and told.
 */
export class PoolWrites {
  readonly #options: PersonaPoolOptions;
  readonly #store: PersonaStore;
  readonly #cache: ReadCache;
  readonly #live: Live;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: PersonaPoolOptions, store: PersonaStore, cache: ReadCache, live: Live) {
    this.#options = options;
    this.#store = store;
    this.#cache = cache;
    this.#live = live;
  }

  replace(entries: unknown, options: ReplaceOptions): Promise<ReplaceResult> {
    return this.#enqueue(() => {
      const valid = this.#validate(entries);
      return this.#transaction(options, () => valid);
    });
  }

  update(fn: UpdateFunction, options: ReplaceOptions): Promise<ReplaceResult> {
    if (typeof fn !== 'function') return Promise.reject(new PersonaPoolError('INVALID_OPTION', `update() takes a function of the personas, got ${typeof fn}: to write a list, use replace()`));
    return this.#enqueue(() => this.#transaction(options, async (current) => this.#validate(await fn(current.personas, current))));
  }

  restore(version: string, options: ReplaceOptions): Promise<ReplaceResult> {
    return this.#enqueue(async () => {
      const bytes = await this.#store.readVersion(version, { maxBytes: this.#options.maxBytes });
      const valid = this.#validate(restorableList(this.#store.location, version, bytes));
      return this.#transaction(options, () => valid);
    });
  }

  /** Runs the writes of this pool one after another, in call order, whatever each one's outcome. */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Under the store's lock: checks `ifMatch`, asks `change` for the new personas, and has the store write them. */
  async #transaction(options: ReplaceOptions, change: (current: PoolSnapshot) => Validated | Promise<Validated>): Promise<ReplaceResult> {
    const { languageDefault: language, maxBytes, historyLimit } = this.#options;
    const by = checkBy(options.by);
    const entry = this.#cache.get(language);
    const generation = this.#live.generation; // taken before the read under the lock, as every read takes it
    let made: { readonly validated: Validated; readonly bytes: Uint8Array; readonly version: () => string } | undefined;
    const written = await this.#store.replace(entry?.tag, async (read) => {
      const current = this.#cache.absorb(language, entry, read, generation);
      checkMatch(options.ifMatch, current);
      const validated = await change(current);
      const bytes = serialize(validated.personas);
      const version = hashedSoon(bytes); // hashed while the store's fsync runs
      made = { validated, bytes, version };
      return { bytes, count: validated.personas.length, replacing: historyEntryOf(current), by };
    }, { maxBytes, historyLimit });
    if (made === undefined) throw new PersonaPoolError('STORE_CONTRACT', `The store of ${this.#store.location} wrote without asking the pool what: it breaks the store contract (PersonaStore.replace); fix the store`);
    const { personas, rejected, warnings } = made.validated;
    const { bytes } = made;
    const version = made.version();
    // The personas just validated are what the store holds: cached as they are, not parsed again.
    const snapshot = writtenSnapshot(written.location, personas, bytes, version);
    // A new generation: a read that began before this write cannot leave its older content vouched for.
    this.#cache.remember(language, snapshot, written.tag, this.#live.nextGeneration());
    this.#live.written(snapshot);
    log('replaced %s: %d personas, %d rejected', written.location, snapshot.personas.length, rejected.length);
    return { path: written.location, personas: snapshot.personas, rejected, warnings, version };
  }

  #validate(entries: unknown): Validated {
    return validateEntries(entries, this.#options);
  }
}
