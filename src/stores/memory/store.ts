import { PersonaPoolError } from '../../errors.js';
import { checkOptionsObject } from '../../options.js';
import type { HistoryEntry, PersonaStore, StoreChange, StoreKept, StoreRead, StoreReadOptions, StoreReplaceOptions, StoreWatch, StoreWatchListener, StoreWritten } from '../types.js';

/** A version kept by a memory store. */
interface MemoryKept extends HistoryEntry {
  readonly bytes: Uint8Array;
}

/** The place a memory store and its twins share: the content, its history, its lock and its watchers. */
interface MemoryPlace {
  readonly name: string;
  bytes: Uint8Array | undefined;
  /** Counts the writes: the tag of each read. */
  revision: number;
  savedAt: string;
  kept: MemoryKept[];
  lock: Promise<unknown>;
  readonly watchers: Set<StoreWatchListener>;
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Names the pool in `location` (`memory:<name>`). Default `pool`. */
  readonly name?: string | undefined;
  /** The content to start with, as stored bytes or text; default none (the pool is missing). */
  readonly content?: Uint8Array | string | undefined;
}

const UNCHANGED = Object.freeze({ kind: 'unchanged' } as const);
const UTF8 = new TextEncoder();

/**
 * A pool kept in this process's memory, for hosts' unit tests and examples: every capability of a
 * store (a synchronous read, a watch that hints at each write, a history), no file, no server.
 * {@link MemoryStore.twin} opens a second store on the same content, as another host would.
 */
export class MemoryStore implements PersonaStore<number> {
  readonly #place: MemoryPlace;
  #closed = false;

  /**
   * @param place - The content shared with its twins.
   */
  private constructor(place: MemoryPlace) {
    this.#place = place;
  }

  /**
   * A new memory pool.
   *
   * @param options - `name`, `content`.
   * @returns Its first store.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  static create(options: MemoryStoreOptions = {}): MemoryStore {
    checkOptionsObject(options, 'memoryStore');
    const { content, name = 'pool' } = options;
    if (typeof name !== 'string' || name === '') throw new PersonaPoolError('INVALID_OPTION', `memoryStore option name must be a non-empty string, got ${typeof name}`);
    if (content !== undefined && typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw new PersonaPoolError('INVALID_OPTION', `memoryStore option content must be text or bytes (a Uint8Array), got ${typeof content}`);
    }
    const bytes = typeof content === 'string' ? UTF8.encode(content) : content?.slice();
    const place = { name, bytes, revision: 0, savedAt: new Date().toISOString(), kept: [], lock: Promise.resolve(), watchers: new Set<StoreWatchListener>() };
    return new MemoryStore(place);
  }

  /** `memory:<name>`. */
  get location(): string {
    return `memory:${this.#place.name}`;
  }

  /**
   * Another store on the same content (the contract tests' "outside writer").
   *
   * @returns The twin.
   */
  twin(): MemoryStore {
    return new MemoryStore(this.#place);
  }

  /**
   * The content, or `unchanged` when it is still the revision `since`; synchronous.
   *
   * @param since - The revision the pool holds.
   * @param options - `maxBytes`.
   * @returns What was found.
   */
  read(since: number | undefined, options: StoreReadOptions): StoreRead<number> {
    return this.readSync(since, options);
  }

  /**
   * {@link MemoryStore.read}.
   *
   * @param since - The revision the pool holds.
   * @param options - `maxBytes`.
   * @returns What was found.
   */
  readSync(since: number | undefined, options: StoreReadOptions): StoreRead<number> {
    this.#open();
    const { bytes, revision: tag } = this.#place;
    const location = this.location;
    if (since === tag) return UNCHANGED;
    if (bytes === undefined) return { kind: 'missing', tag };
    if (bytes.byteLength > options.maxBytes) {
      const message = `The persona pool ${location} is ${bytes.byteLength} bytes, over the limit of ${options.maxBytes}: split or trim it`;
      return { kind: 'problem', problem: { code: 'TOO_LARGE', message }, version: `memory-${tag}`, tag };
    }
    return { kind: 'content', bytes: bytes.slice(), tag };
  }

  /**
   * Runs `change` under the place's lock, then stores its bytes and keeps what they replace.
   *
   * @param since - The revision the pool holds.
   * @param change - The pool's check and change.
   * @param options - `maxBytes`, `historyLimit`.
   * @returns The location and the new revision.
   */
  replace(since: number | undefined, change: StoreChange<number>, options: StoreReplaceOptions): Promise<StoreWritten<number>> {
    const place = this.#place;
    const run = place.lock.then(async () => {
      const write = await change(this.readSync(since, options));
      this.#keep(write.replacing, options.historyLimit, write.by);
      place.bytes = write.bytes.slice();
      place.revision++;
      place.savedAt = new Date().toISOString();
      for (const watcher of place.watchers) queueMicrotask(watcher.changed);
      return { location: this.location, tag: place.revision };
    });
    place.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * The versions kept, newest first.
   *
   * @returns The entries.
   */
  async history(): Promise<readonly HistoryEntry[]> {
    this.#open();
    return this.#place.kept.map(({ version, savedAt, count, by }) => (by === undefined ? { version, savedAt, count } : { version, savedAt, count, by }));
  }

  /**
   * The bytes of a kept version.
   *
   * @param version - A version listed by {@link MemoryStore.history}.
   * @returns The bytes.
   * @throws {PersonaPoolError} `UNKNOWN_VERSION`.
   */
  async readVersion(version: string): Promise<Uint8Array> {
    this.#open();
    const kept = this.#place.kept.find((entry) => entry.version === version);
    if (kept === undefined) throw new PersonaPoolError('UNKNOWN_VERSION', `No version ${version} of the persona pool ${this.location} is kept: list the versions kept with pool.history()`);
    return kept.bytes.slice();
  }

  /**
   * Hints at every write to the content, through this store or a twin; always healthy.
   *
   * @param listener - The pool's listener.
   * @returns The running watch.
   */
  watch(listener: StoreWatchListener): StoreWatch {
    this.#open();
    const watchers = this.#place.watchers;
    const own = { changed: () => listener.changed(), failed: listener.failed };
    watchers.add(own);
    return {
      get healthy() {
        return watchers.has(own);
      },
      close: () => watchers.delete(own),
    };
  }

  /**
   * Closes this store (not its twins); later calls throw `STORE_UNAVAILABLE`. Idempotent.
   *
   * @returns Once closed.
   */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #open(): void {
    if (this.#closed) throw new PersonaPoolError('STORE_UNAVAILABLE', `The store of ${this.location} is closed: make a new one`);
  }

  #keep(replacing: StoreKept | null, limit: number, by: string | undefined): void {
    const { bytes, savedAt, kept } = this.#place;
    if (replacing !== null && bytes !== undefined && limit > 0 && kept[0]?.version !== replacing.version) {
      kept.unshift({ ...replacing, savedAt, bytes, ...(by === undefined ? {} : { by }) });
    }
    kept.splice(limit);
  }
}

/**
 * A pool in memory (see {@link MemoryStore}).
 *
 * @param options - `name` (in `location`), `content` to start with.
 * @returns The store.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
 *
 * @example
 * ```ts
 * const pool = new PersonaPool({ store: memoryStore({ content: '[]' }), watch: true });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return MemoryStore.create(options);
}
