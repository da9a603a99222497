import { logger } from '../log.js';
import { ChangeIterator, type ChangesOptions } from './changes.js';
import type { PoolSnapshot } from './snapshot.js';
import { listenerSubscriber, Subscribers, type PoolListener, type Subscriber } from './subscribers.js';
import type { PersonaStore, StoreWatch } from '../stores/types.js';

const log = logger('persona-pool:watch');

/** How often the pool checks its store for its subscribers when no watch tells it of changes, in ms. */
export const POLL_MS = 1000;

/** What {@link Live} needs of its pool. */
export interface LiveSource {
  /** Where the pool lives. */
  readonly store: PersonaStore;
  /** The pool now, in its default language, checked against the disk unless events vouch for it. */
  snapshot(): Promise<PoolSnapshot>;
  /** The version the pool last served in its default language, or the current one if none. */
  lastVersion(): string;
}

/**
 * The live side of one pool: the store's watch (or, without one or after its failure, a check every
 * {@link POLL_MS} ms), the generation that tells which cache entries the watch still vouches for, and
 * the subscribers, told of each new version.
 *
 * A cache entry confirmed (by an "unchanged" answer or a read) in the current generation is served
 * with no call to the store while {@link Live.trustedGeneration} is that generation: only in watch mode, while
 * the store's watch is healthy. Every hint, every poll and every write through the pool starts a new generation.
 */
export class Live {
  readonly #source: LiveSource;
  readonly #watchMode: boolean;
  readonly #subscribers = new Subscribers();
  #watch: StoreWatch | undefined;
  #poll: NodeJS.Timeout | undefined;
  #generation = 0;
  /** The generation whose confirmed entries are served from memory; undefined: none is (no healthy watch in watch mode). */
  #trusted: number | undefined;
  #fellBack = false;
  #closed = false;
  #checking: Promise<void> | undefined;
  #again = false;

  /**
   * @param source - The pool.
   * @param watchMode - Whether reads are answered from memory while the watcher runs.
   */
  constructor(source: LiveSource, watchMode: boolean) {
    this.#source = source;
    this.#watchMode = watchMode;
    if (watchMode && source.store.watch === undefined) {
      this.#fellBack = true;
      log('watch mode off for %s: its store cannot watch, so each read checks the store', source.store.location);
    }
    this.#keepWatch();
  }

  /**
   * Watch health, checked at each read: the generation an entry must have been confirmed in to be
   * served with no call to the store; undefined when none is.
   */
  get trustedGeneration(): number | undefined {
    // A watch that lost its events says so through `healthy`, perhaps without a hint: from then on,
    // nothing confirmed before is vouched for (and its recovery must hint, starting a new generation).
    if (this.#trusted !== undefined && this.#watch?.healthy !== true) this.#changed();
    return this.#trusted;
  }

  /** The current generation: what a read records on the entry it confirms. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether reads are answered from memory: watch mode, the watcher running, the pool open. */
  get watching(): boolean {
    return this.#trusted !== undefined;
  }

  /**
   * In watch mode, while the store's watch does not vouch yet (or lost its connection): its `ready()`,
   * for a read to await first, so that a sync read right after it answers from memory. Undefined when
   * there is nothing to wait for.
   *
   * @returns The wait (bounded by the store, never rejecting), or undefined.
   */
  ready(): Promise<void> | undefined {
    const watch = this.#watch;
    if (!this.#watchMode || this.#fellBack || this.#closed || watch?.ready === undefined || watch.healthy) return undefined;
    return watch.ready().catch((error: unknown) => log('the watch of %s broke its ready() contract: %O', this.#source.store.location, error));
  }

  /**
   * A write through the pool: starts a new generation, which the written entry is confirmed in.
   *
   * @returns The new generation.
   */
  nextGeneration(): number {
    this.#generation++;
    this.#trust();
    return this.#generation;
  }

  /**
   * A write through the pool put `snapshot` in the file: the subscribers hear of it at once.
   *
   * @param snapshot - What was written.
   */
  written(snapshot: PoolSnapshot): void {
    this.#subscribers.notify(snapshot);
  }

  /**
   * Subscribes a listener.
   *
   * @param listener - Called with each new version.
   * @returns The unsubscribe function.
   */
  subscribe(listener: PoolListener): () => void {
    const unsubscribe = this.#add(listenerSubscriber(listener));
    return unsubscribe ?? (() => undefined);
  }

  /**
   * An iterator of new versions, subscribed at once.
   *
   * @param options - `signal` ends it.
   * @returns The iterator.
   */
  changes(options: ChangesOptions): ChangeIterator {
    return new ChangeIterator((subscriber) => this.#add(subscriber), options.signal);
  }

  /**
   * Stops watching and ends every subscription; waits for a check under way.
   *
   * @returns Once done.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#subscribers.close();
      this.#keepWatch();
      this.#trust();
    }
    await this.#checking;
  }

  #add(subscriber: Subscriber): (() => void) | undefined {
    if (this.#closed) return undefined;
    const first = this.#subscribers.size === 0;
    const remove = this.#subscribers.add(subscriber);
    if (first) this.#begin();
    return () => {
      if (remove()) this.#keepWatch();
    };
  }

  /** The first subscriber: watch (in stat mode), take what the pool last served as known, and look at once for a change since. */
  #begin(): void {
    this.#keepWatch();
    this.#subscribers.know(this.#source.lastVersion());
    this.#check();
  }

  /** Starts the watch (or the poll) when needed (watch mode, or a subscriber), stops it when not. */
  #keepWatch(): void {
    const needed = !this.#closed && ((this.#watchMode && !this.#fellBack) || this.#subscribers.size > 0);
    if (needed && this.#watch === undefined && this.#poll === undefined) this.#startWatch();
    else if (!needed) this.#stopWatch();
  }

  #stopWatch(): void {
    if (this.#watch !== undefined) log('stopped watching %s', this.#source.store.location);
    this.#watch?.close();
    this.#watch = undefined;
    clearInterval(this.#poll);
    this.#poll = undefined;
  }

  #startWatch(): void {
    const { store } = this.#source;
    if (store.watch === undefined) {
      this.#startPoll();
      return;
    }
    let starting = true;
    let failure: string | undefined;
    const watch = store.watch({
      changed: () => !starting && this.#watch === watch && this.#changed(),
      failed: (reason) => {
        if (starting) failure ??= reason;
        else if (this.#watch === watch) this.#failed(reason);
      },
    });
    starting = false;
    this.#watch = watch;
    if (failure === undefined) {
      log('watching %s', store.location);
      this.#changed();
    } else {
      this.#failed(failure);
    }
  }

  /** Without a watch: a check every {@link POLL_MS} ms, which does not keep the process alive. */
  #startPoll(): void {
    this.#poll = setInterval(() => this.#changed(), POLL_MS).unref();
    this.#changed();
  }

  #failed(reason: string): void {
    const location = this.#source.store.location;
    this.#watch?.close();
    this.#watch = undefined;
    if (this.#watchMode && !this.#fellBack) {
      this.#fellBack = true;
      log('watch mode off for %s, each read checks the store again: %s', location, reason);
    } else {
      log('no events for %s, a check every second serves the subscribers: %s', location, reason);
    }
    if (this.#subscribers.size > 0 && !this.#closed) this.#startPoll();
    else this.#changed();
  }

  /** An event, a periodic check, a start or a failure: nothing confirmed before is vouched for any more. */
  #changed(): void {
    this.#generation++;
    this.#trust();
    if (this.#subscribers.size > 0) this.#check();
  }

  #trust(): void {
    const trusting = this.#watchMode && !this.#fellBack && !this.#closed && this.#watch?.healthy === true;
    this.#trusted = trusting ? this.#generation : undefined;
  }

  /** Reads the pool and tells the subscribers of a new version; one check at a time, again if asked meanwhile. */
  #check(): void {
    if (this.#checking !== undefined) this.#again = true;
    else this.#checking = this.#checkUntilQuiet();
  }

  async #checkUntilQuiet(): Promise<void> {
    try {
      do {
        this.#again = false;
        const told = this.#subscribers.told;
        const snapshot = await this.#source.snapshot();
        // A version told meanwhile (a write through the pool) may be newer than this read: read again.
        if (this.#subscribers.told !== told) this.#again = true;
        else if (!this.#closed) this.#subscribers.notify(snapshot);
      } while (this.#again && !this.#closed && this.#subscribers.size > 0);
    } catch (error) {
      log('checking the persona pool failed: %O', error);
    } finally {
      this.#checking = undefined;
    }
  }
}
