import { logger } from '../../log.js';
import type { StoreWatch, StoreWatchListener } from '../types.js';
import { BYTES_TYPE, etagVersion } from './answer.js';
import type { Answer, RemoteHttp } from './http.js';

const log = logger('persona-pool:remote');

/** The first backoff after a failed poll, in ms; it doubles at each failure, with full jitter. */
export const BACKOFF_START_MS = 250;
export const BACKOFF_CAP_MS = 30_000;
/** The least time between two polls that found no change, in ms: a server that ignores `Prefer: wait` is not hammered. */
export const POLL_FLOOR_MS = 1000;

/**
 * The store's one long poll: `GET` of the stored bytes with `If-None-Match` (the version last seen)
 * and, once it vouches, `Prefer: wait=N`; restarted at once after an answer, shared by every watch of
 * the store. It vouches (healthy) from its first answer until a poll fails; then it backs off (full
 * jitter, 0.25 s doubling to 30 s) and hints `changed()` once it answers again. A new version hints
 * `changed()` too, and its answer is kept for the reads that follow ({@link RemotePoll.latest}): one
 * request per change.
 */
export class RemotePoll {
  readonly #http: RemoteHttp;
  readonly #waitSeconds: number;
  readonly #timeoutMs: number;
  readonly #listeners = new Set<StoreWatchListener>();
  #readyWaiters: (() => void)[] = [];
  #controller: AbortController | undefined;
  #version: string | undefined;
  #healthy = false;
  #attempting = false;
  #held = false;
  /** The last answer with content (200, 204, 409) while the poll vouches for it. */
  #latest: Answer | undefined;
  /** Raised by {@link RemotePoll.forget}: an answer to a poll sent before is not kept. */
  #epoch = 0;

  /**
   * @param http - The store's requests.
   * @param waitSeconds - The wait each poll asks for.
   * @param timeoutMs - The longest {@link RemotePoll.ready} waits.
   */
  constructor(http: RemoteHttp, waitSeconds: number, timeoutMs: number) {
    this.#http = http;
    this.#waitSeconds = waitSeconds;
    this.#timeoutMs = timeoutMs;
  }

  /** Whether a poll answered and none failed since. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /**
   * Keeps the poll running even without a watch (until {@link RemotePoll.stop}), and waits for its first answer.
   *
   * @returns Once it answered or failed once.
   */
  hold(): Promise<void> {
    this.#held = true;
    this.#start();
    return this.ready();
  }

  /**
   * Resolves once the poll vouches (at once when healthy) or its current attempt failed (at once
   * while it backs off), within `timeoutMs`; never rejects.
   *
   * @returns Once ready.
   */
  ready(): Promise<void> {
    if (this.#healthy || !this.#attempting) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.#timeoutMs); // a poll that is not held answers within it, or fails
      timer.unref();
      this.#readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * A watch on this poll.
   *
   * @param listener - The pool's listener.
   * @returns The watch.
   */
  watch(listener: StoreWatchListener): StoreWatch {
    this.#listeners.add(listener);
    this.#start();
    let closed = false;
    const isHealthy = (): boolean => !closed && this.#healthy;
    return {
      get healthy() {
        return isHealthy();
      },
      ready: () => (closed ? Promise.resolve() : this.ready()),
      close: () => {
        closed = true;
        this.#listeners.delete(listener);
        if (this.#listeners.size === 0 && !this.#held) this.stop();
      },
    };
  }

  /**
   * The last answer with content the poll received, for a read to use instead of asking again: only
   * in watch mode (the pool accepts the watch's freshness), while the poll vouches. Outside watch
   * mode every read asks the API: an answer kept even for one event-loop turn can be older than a
   * write whose completion the caller saw in that same turn.
   *
   * @param watched - Whether the pool reads in watch mode.
   * @returns The answer, or undefined.
   */
  latest(watched: boolean): Answer | undefined {
    return this.#healthy && watched ? this.#latest : undefined;
  }

  /** Drops the kept answer, and any answer to a poll already sent (the store writes: it may be older than the write). */
  forget(): void {
    this.#latest = undefined;
    this.#epoch++;
  }

  /** Stops polling; a watch or `hold()` starts it again. */
  stop(): void {
    this.#held = false;
    this.#latest = undefined;
    this.#controller?.abort();
    this.#controller = undefined;
    this.#healthy = false;
    this.#wakeReadyWaiters();
  }

  #start(): void {
    if (this.#controller !== undefined) return;
    const controller = new AbortController();
    this.#controller = controller;
    void this.#run(controller.signal);
  }

  async #run(signal: AbortSignal): Promise<void> {
    for (let failures = 0; !signal.aborted; ) {
      const started = Date.now();
      this.#attempting = true;
      const version = await this.#poll(signal);
      this.#attempting = false;
      if (signal.aborted) return;
      if (version === undefined) {
        this.#latest = undefined;
        this.#healthy = false;
        this.#wakeReadyWaiters();
        failures++;
        await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** (failures - 1)), signal);
        continue;
      }
      failures = 0;
      const news = !this.#healthy || version !== this.#version;
      this.#healthy = true;
      this.#version = version;
      this.#wakeReadyWaiters();
      if (news) for (const listener of [...this.#listeners]) listener.changed();
      else await sleep(POLL_FLOOR_MS - (Date.now() - started), signal);
    }
  }

  /** One poll: the version the API answers with, or undefined when it failed. */
  async #poll(signal: AbortSignal): Promise<string | undefined> {
    // Until it vouches, a poll asks to be answered at once: a recovered API is trusted again in one round trip.
    const holding = this.#healthy && this.#waitSeconds > 0;
    const headers: Record<string, string> = { accept: BYTES_TYPE };
    if (holding) headers.prefer = `wait=${this.#waitSeconds}`;
    if (this.#version !== undefined) headers['if-none-match'] = `"${this.#version}"`;
    const epoch = this.#epoch;
    try {
      const answer = await this.#http.send({ method: 'GET', headers, extraMs: holding ? this.#waitSeconds * 1000 : 0, signal });
      const version = etagVersion(answer.headers);
      const content = answer.status === 200 || answer.status === 204 || answer.status === 409;
      if ((content || (answer.status === 304 && this.#version !== undefined)) && version !== undefined) {
        if (content && epoch === this.#epoch) this.#keep(answer);
        return version;
      }
      log('poll of %s: answered %d%s', this.#http.where, answer.status, version === undefined ? ' without an ETag' : '');
    } catch (error) {
      if (!signal.aborted) log('poll of %s failed: %s', this.#http.where, (error as Error).message);
    }
    return undefined;
  }

  /** Keeps an answer, for the reads of a pool in watch mode. */
  #keep(answer: Answer): void {
    this.#latest = answer;
  }

  #wakeReadyWaiters(): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Waits `ms` (nothing for 0 or less), or until `signal` aborts; never keeps the process alive. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
