import { logger } from '../log.js';
import type { StorePool } from '../pool/pool.js';
import type { PersonaStore } from '../stores/types.js';
import type { PersonasHandler } from './types.js';

const log = logger('persona-pool:http');

/** A named pool opened by the pools handler. */
export interface OpenPool {
  /** The pool. */
  readonly pool: StorePool;
  /** Its store, closed once the pool is evicted and its last request answered. */
  readonly store: PersonaStore;
  /** The personas handler of this pool. */
  readonly handle: PersonasHandler;
  /** Requests being answered. */
  active: number;
  /** Evicted (or the handler closed): its store closes once `active` is 0. */
  evicted: boolean;
  /** Its store's close, once started. */
  closed?: Promise<void>;
}

/**
 * The open named pools, least recently used first, at most `max`: an evicted pool is closed at once
 * (which answers its held GETs), its store once its last request is answered.
 */
export class PoolCache {
  readonly #max: number;
  readonly #open: (id: string) => Promise<OpenPool | undefined>;
  readonly #entries = new Map<string, Promise<OpenPool | undefined>>();

  /**
   * @param max - The most pools open.
   * @param open - Opens the pool of an id; undefined for an unknown id (nothing kept).
   */
  constructor(max: number, open: (id: string) => Promise<OpenPool | undefined>) {
    this.#max = max;
    this.#open = open;
  }

  /** How many ids are open (or opening). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The open pool of an id, opened if needed, now the most recently used.
   *
   * @param id - The pool's id.
   * @returns The pool, or undefined for an unknown id; rejects with what opening it threw.
   */
  get(id: string): Promise<OpenPool | undefined> {
    const held = this.#entries.get(id);
    if (held !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, held);
      return held;
    }
    const opening = this.#open(id);
    this.#entries.set(id, opening);
    const forget = () => {
      if (this.#entries.get(id) === opening) this.#entries.delete(id);
    };
    opening.then((entry) => entry === undefined && forget(), forget);
    this.#evictPast(this.#max);
    return opening;
  }

  /**
   * Marks a request of a pool answered; the store of an evicted pool closes after its last one.
   *
   * @param entry - The pool.
   */
  done(entry: OpenPool): void {
    entry.active--;
    if (entry.evicted && entry.active === 0) void closeStore(entry);
  }

  /**
   * Closes every pool, and the store of each that no request holds (the others' after their last).
   *
   * @returns Once done.
   */
  async close(): Promise<void> {
    await Promise.all(this.#evictPast(0));
  }

  #evictPast(max: number): Promise<unknown>[] {
    const retiring: Promise<unknown>[] = [];
    for (const [id, opening] of this.#entries) {
      if (this.#entries.size <= max) break;
      this.#entries.delete(id);
      retiring.push(opening.then((entry) => entry && retire(entry), () => undefined));
    }
    return retiring;
  }
}

/** Closes an evicted pool; its store after the requests that already hold it (they count themselves in this turn). */
function retire(entry: OpenPool): Promise<void> {
  entry.evicted = true;
  entry.pool.close().catch((error: unknown) => log('closing an evicted pool failed: %O', error));
  return new Promise((resolve) => {
    setImmediate(() => resolve(entry.active === 0 ? closeStore(entry) : undefined));
  });
}

function closeStore(entry: OpenPool): Promise<void> {
  entry.closed ??= Promise.resolve(entry.store.close?.()).catch((error: unknown) => log('closing the store of %s failed: %O', entry.store.location, error));
  return entry.closed;
}
