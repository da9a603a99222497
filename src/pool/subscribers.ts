import { logger } from '../log.js';
import type { PoolSnapshot } from './snapshot.js';

const log = logger('persona-pool:watch');

/**
 * Called with the pool's new snapshot after its content changed; see {@link PersonaPool.subscribe}.
 * What it throws (or an async listener rejects with) is logged and ignored.
 */
export type PoolListener = (snapshot: PoolSnapshot) => void | Promise<void>;

/** One subscription: a listener's, or an iterator's of `changes()`. */
export interface Subscriber {
  /** A new version of the pool. */
  push(snapshot: PoolSnapshot): void;
  /** The subscription ends (the pool was closed). */
  end(): void;
}

function report(error: unknown): void {
  log('a subscriber of the persona pool threw (ignored): %O', error);
}

/**
 * A listener as a {@link Subscriber}: called once per version; what it throws is logged.
 *
 * @param listener - The listener.
 * @returns The subscriber.
 */
export function listenerSubscriber(listener: PoolListener): Subscriber {
  return {
    push(snapshot) {
      try {
        const result = listener(snapshot);
        if (result instanceof Promise) result.catch(report);
      } catch (error) {
        report(error);
      }
    },
    end() {},
  };
}

/**
 * The subscribers of one pool, and the version they were last told of: each is told of a
 * version once, and only when it differs from the last one.
 */
export class Subscribers {
  readonly #all = new Set<Subscriber>();
  #version: string | undefined;
  #told = 0;

  /** How many subscriptions are open. */
  get size(): number {
    return this.#all.size;
  }

  /** How many versions have been told so far: a change of it means a newer version went out. */
  get told(): number {
    return this.#told;
  }

  /**
   * Sets the version the subscribers are taken to know: the first subscriber hears of what differs from it.
   *
   * @param version - The version.
   */
  know(version: string): void {
    this.#version = version;
  }

  /**
   * Adds a subscription.
   *
   * @param subscriber - The subscriber.
   * @returns The function that removes it, and returns whether it was still there.
   */
  add(subscriber: Subscriber): () => boolean {
    this.#all.add(subscriber);
    return () => this.#all.delete(subscriber);
  }

  /**
   * Tells every subscriber of `snapshot`, unless its version is the one told last.
   *
   * @param snapshot - The pool now.
   */
  notify(snapshot: PoolSnapshot): void {
    if (this.#all.size === 0 || snapshot.version === this.#version) return;
    this.#version = snapshot.version;
    this.#told++;
    // A copy: a subscriber added by a listener hears of the next version, not of this one; one
    // removed by a listener (or by close()) is not told.
    for (const subscriber of [...this.#all]) if (this.#all.has(subscriber)) subscriber.push(snapshot);
  }

  /** Ends every subscription. */
  close(): void {
    const all = [...this.#all];
    this.#all.clear();
    for (const subscriber of all) subscriber.end();
  }
}
