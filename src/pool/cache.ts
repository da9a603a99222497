import { PersonaPoolError } from '../errors.js';
import { toSnapshot, type PoolSnapshot } from './snapshot.js';
import type { PersonaStore, StoreRead } from '../stores/types.js';

/** One cached read of one language. */
export interface CacheEntry {
  readonly snapshot: PoolSnapshot;
  /** The store's tag of the content the snapshot was made of. */
  readonly tag: unknown;
  /** The watch generation the entry was last confirmed in (by an "unchanged" answer, a read or a write). */
  checked: number;
}

/**
 * The pool's cached reads, one per language, each with the store's tag of its content: a read asks
 * the store whether that content is unchanged (the file store: one `stat`) and parses only new bytes.
 */
export class ReadCache {
  readonly #store: PersonaStore;
  readonly #maxBytes: { readonly maxBytes: number };
  readonly #watched: { readonly maxBytes: number; readonly watched: true };
  readonly #entries = new Map<string, CacheEntry>();

  /**
   * @param store - Where the pool lives.
   * @param maxBytes - The pool's size limit.
   */
  constructor(store: PersonaStore, maxBytes: number) {
    this.#store = store;
    this.#maxBytes = { maxBytes };
    this.#watched = { maxBytes, watched: true };
  }

  /**
   * The entry of a language.
   *
   * @param language - The language default.
   * @returns The entry, if any.
   */
  get(language: string): CacheEntry | undefined {
    return this.#entries.get(language);
  }

  /**
   * The snapshot now, synchronously.
   *
   * @param language - The language default.
   * @param generation - The watch generation, taken before the read.
   * @returns The snapshot.
   * @throws {PersonaPoolError} `SYNC_UNSUPPORTED` when the store cannot read synchronously.
   */
  readSync(language: string, generation: number): PoolSnapshot {
    const store = this.#store;
    if (store.readSync === undefined) {
      const message = `The persona pool ${store.location} cannot be read synchronously: use load() or snapshot(), or watch mode once a snapshot is held`;
      throw new PersonaPoolError('SYNC_UNSUPPORTED', message);
    }
    const entry = this.#entries.get(language);
    return this.absorb(language, entry, store.readSync(entry?.tag, this.#maxBytes), generation);
  }

  /**
   * The snapshot now: synchronous when the store answers so (a cache hit), else a promise.
   *
   * @param language - The language default.
   * @param generation - The watch generation, taken before the read.
   * @param watched - Whether the pool's watch vouches (watch mode): the store's `watched` read option.
   * @returns The snapshot, or its promise.
   */
  read(language: string, generation: number, watched = false): PoolSnapshot | Promise<PoolSnapshot> {
    const entry = this.#entries.get(language);
    const read = this.#store.read(entry?.tag, watched ? this.#watched : this.#maxBytes);
    return read instanceof Promise ? read.then((done) => this.absorb(language, entry, done, generation)) : this.absorb(language, entry, read, generation);
  }

  /**
   * What a read of the store means for the cache: the entry confirmed, or a new snapshot cached
   * (unless the store gave no tag to recognize it by).
   *
   * @param language - The language default.
   * @param entry - The entry whose tag the store was given.
   * @param read - The store's answer.
   * @param generation - The watch generation, taken before the read.
   * @returns The snapshot.
   */
  absorb(language: string, entry: CacheEntry | undefined, read: StoreRead, generation: number): PoolSnapshot {
    if (read.kind === 'unchanged') {
      if (entry === undefined) throw new PersonaPoolError('STORE_CONTRACT', `The store of ${this.#store.location} answered "unchanged" to a first read: it breaks the store contract (PersonaStore.read); fix the store`);
      entry.checked = generation;
      return entry.snapshot;
    }
    const snapshot = toSnapshot(read, this.#store.location, language);
    if (read.kind === 'problem' && read.tag === undefined) this.#entries.delete(language);
    else this.remember(language, snapshot, read.tag, generation);
    return snapshot;
  }

  /**
   * Caches a snapshot.
   *
   * @param language - The language default.
   * @param snapshot - The snapshot.
   * @param tag - The store's tag of its content.
   * @param checked - The generation it is confirmed in.
   */
  remember(language: string, snapshot: PoolSnapshot, tag: unknown, checked: number): void {
    this.#entries.set(language, { snapshot, tag, checked });
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
