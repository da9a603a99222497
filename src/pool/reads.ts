import { logger } from '../log.js';
import type { ReadCache } from './cache.js';
import type { Live } from './live.js';
import type { PoolSnapshot } from './snapshot.js';
import type { EmailPersona } from '../persona/schema.js';
import type { PersonaStore } from '../stores/types.js';

const log = logger('persona-pool:pool');

/**
 * The read side of one pool, in one language: the cache, asked through the store unless the watch
 * vouches for it. Read trust: an entry confirmed in the generation `Live.trustedGeneration` names is
 * served with no call to the store (watch mode, healthy watch); any other read records the generation
 * taken before it, so a hint that arrives meanwhile leaves its answer unvouched.
 */
export class PoolReads {
  readonly #store: PersonaStore;
  readonly #cache: ReadCache;
  readonly #live: Live;

  constructor(store: PersonaStore, cache: ReadCache, live: Live) {
    this.#store = store;
    this.#cache = cache;
    this.#live = live;
  }

  snapshotSync(language: string): PoolSnapshot {
    const vouched = this.#vouched(language);
    if (vouched !== undefined) return vouched;
    return this.#heldWhileWatching(language) ?? this.#cache.readSync(language, this.#live.generation);
  }

  snapshot(language: string): PoolSnapshot | Promise<PoolSnapshot> {
    const vouched = this.#vouched(language);
    if (vouched !== undefined) return vouched;
    // A watch coming up (or back): the read after it is vouched for, so loadSync() answers from memory.
    const waiting = this.#live.ready();
    if (waiting === undefined) return this.#read(language);
    return waiting.then(() => this.#read(language));
  }

  async load(language: string): Promise<readonly EmailPersona[]> {
    const read = this.snapshot(language);
    return read instanceof Promise ? (await read).personas : read.personas;
  }

  /** The version last served in `language`, else the current one if the store reads synchronously, else ''. */
  lastVersion(language: string): string {
    const held = this.#cache.get(language)?.snapshot;
    if (held !== undefined) return held.version;
    return this.#store.readSync === undefined ? '' : this.snapshotSync(language).version;
  }

  #read(language: string): PoolSnapshot | Promise<PoolSnapshot> {
    return this.#cache.read(language, this.#live.generation, this.#live.watching);
  }

  /** The cached snapshot when the watch vouches for it (watch mode): no call to the store. */
  #vouched(language: string): PoolSnapshot | undefined {
    const trusted = this.#live.trustedGeneration;
    if (trusted === undefined) return undefined;
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
    if (held !== undefined) Promise.resolve().then(() => this.snapshot(language)).catch((error: unknown) => log('refreshing the persona pool failed: %O', error));
    return held;
  }
}
