import type { PoolSnapshot } from './snapshot.js';
import type { Subscriber } from './subscribers.js';

/** Options of {@link PersonaPool.changes}. */
export interface ChangesOptions {
  /** Ends the iteration when aborted (cleanly: the loop just ends). */
  readonly signal?: AbortSignal | undefined;
}

type Result = IteratorResult<PoolSnapshot, undefined>;

const DONE: Result = Object.freeze({ done: true, value: undefined });

/**
 * The iterator of {@link PersonaPool.changes}: subscribed from its creation; a consumer slower
 * than the changes gets the latest snapshot when it asks, not a queue of every one it missed.
 * It is its own subscriber and abort listener, so a held iterator costs one object and its promise.
 */
export class ChangeIterator implements AsyncIterableIterator<PoolSnapshot>, Subscriber {
  #latest: PoolSnapshot | undefined;
  #waiting: ((result: Result) => void)[] = [];
  #ended = false;
  #unsubscribe: (() => void) | undefined;
  readonly #signal: AbortSignal | undefined;

  /**
   * @param subscribe - Subscribes the iterator; returns its unsubscribe, or undefined when the pool is closed.
   * @param signal - Ends the iteration when aborted.
   */
  constructor(subscribe: (subscriber: Subscriber) => (() => void) | undefined, signal: AbortSignal | undefined) {
    this.#signal = signal;
    if (signal?.aborted === true) {
      this.#ended = true;
      return;
    }
    this.#unsubscribe = subscribe(this);
    if (this.#unsubscribe === undefined) this.#ended = true;
    else signal?.addEventListener('abort', this, { once: true });
  }

  /**
   * Takes a new version: to the consumer waiting, or kept as the latest (replacing an older one).
   *
   * @param snapshot - The pool now.
   */
  push(snapshot: PoolSnapshot): void {
    const waiting = this.#waiting.shift();
    if (waiting === undefined) this.#latest = snapshot;
    else waiting({ done: false, value: snapshot });
  }

  /** Ends the iteration: every waiting `next()` and every later one is done. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#latest = undefined;
    this.#unsubscribe?.();
    this.#signal?.removeEventListener('abort', this);
    for (const waiting of this.#waiting.splice(0)) waiting(DONE);
  }

  /** The signal's abort ends the iteration. */
  handleEvent(): void {
    this.end();
  }

  /**
   * The next version: the latest one not yet taken, or the next to come; done once ended.
   *
   * @returns The next result.
   */
  next(): Promise<Result> {
    const latest = this.#latest;
    if (latest !== undefined) {
      this.#latest = undefined;
      return Promise.resolve({ done: false, value: latest });
    }
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /**
   * Ends the iteration (a `break` out of `for await` calls it).
   *
   * @returns Done.
   */
  return(): Promise<Result> {
    this.end();
    return Promise.resolve(DONE);
  }

  /**
   * The iterator itself.
   *
   * @returns This iterator.
   */
  [Symbol.asyncIterator](): this {
    return this;
  }
}
