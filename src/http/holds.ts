import type { PoolSnapshot } from '../pool/snapshot.js';

/** What a held GET needs of the pool: a read, and an iterator of its changes. */
export interface ChangeSource {
  /** The pool now. */
  snapshot(): Promise<PoolSnapshot>;
  /** New versions, from this call on, until `signal` aborts or the iterator is returned. */
  changes(options: { readonly signal?: AbortSignal | undefined }): AsyncIterator<PoolSnapshot, undefined>;
}

/** A response whose headers a hold may add to. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
}

/** The answer to a snapshot for one request; shared by the requests of a handler. */
export type Respond<Q, R extends Answer> = (snapshot: PoolSnapshot, request: Q) => R;

/** Where a hold's answer goes: its promise's resolve. */
export type Settle<R> = (response: R) => void;

/**
 * One held request: its own listener of its signal's abort, and it keeps the snapshot its 304
 * answers, not the answer; so a hold costs this object and its promise (no closure, timer,
 * iterator or response of its own).
 */
class Hold {
  done = false;

  constructor(
    readonly holds: Holds,
    readonly request: unknown,
    readonly respond: Respond<unknown, Answer>,
    public snapshot: PoolSnapshot,
    readonly resolve: Settle<Answer>,
    readonly seconds: number,
    readonly deadline: number,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** The signal's abort ends the hold. */
  handleEvent(): void {
    this.holds.abort(this);
  }
}

/**
 * The held requests of one pool: one subscription to its changes while any is held, one timer for the
 * earliest deadline, and each new version answered once per request from the shared snapshot.
 */
export class Holds {
  readonly #pool: ChangeSource;
  /** The holds of each length (seconds), in deadline order: the same length means the order they came in. */
  readonly #queues = new Map<number, Hold[]>();
  #held = 0;
  /** Ended holds still in a queue (until a release, their deadline or a compaction drops them). */
  #dead = 0;
  /** Requests subscribed and reading the pool, not yet held. */
  #joining = 0;
  #changes: AsyncIterator<PoolSnapshot, undefined> | undefined;
  /** Bumped at each version told and each new subscription: a read is current if it did not move. */
  #told = 0;
  #latest: PoolSnapshot | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  /** @param pool - The pool. */
  constructor(pool: ChangeSource) {
    this.#pool = pool;
  }

  /**
   * Holds a request while its answer is 304: until a new version answers otherwise, `seconds` pass,
   * `signal` aborts or the pool closes.
   *
   * @param respond - The answer to a snapshot for a request.
   * @param request - The request.
   * @param seconds - The longest hold.
   * @param signal - Its abort ends the hold.
   * @returns The first answer that is not 304, or the 304 of the last version; with `Preference-Applied`.
   */
  hold<Q, R extends Answer>(respond: Respond<Q, R>, request: Q, seconds: number, signal: AbortSignal | undefined): Promise<R> {
    return new Promise<R>((resolve, reject) => this.enter(respond, request, seconds, signal, resolve, reject));
  }

  /**
   * {@link Holds.hold}, its answer given to `resolve` (or the pool's read error to `reject`), for a
   * caller that makes the request's promise itself: a held request then keeps that one promise.
   *
   * @param respond - The answer to a snapshot for a request.
   * @param request - The request.
   * @param seconds - The longest hold.
   * @param signal - Its abort ends the hold.
   * @param resolve - Takes the answer.
   * @param reject - Takes what the pool's `snapshot()` rejected with.
   */
  enter<Q, R extends Answer>(respond: Respond<Q, R>, request: Q, seconds: number, signal: AbortSignal | undefined, resolve: Settle<R>, reject: (error: unknown) => void): void {
    // Subscribed before the pool is read again, so no version falls between the read and the subscription.
    const subscribed = signal?.aborted !== true && this.#subscribe();
    const told = this.#told;
    if (subscribed) this.#joining++;
    const settle = (snapshot: PoolSnapshot | undefined, error?: unknown): void => {
      if (subscribed) this.#joining--;
      try {
        if (snapshot === undefined) throw error;
        this.#start(respond, request, seconds, signal, resolve, snapshot, subscribed && told === this.#told);
      } catch (thrown) {
        this.#idle();
        reject(thrown);
      }
    };
    this.#pool.snapshot().then(settle, (error: unknown) => settle(undefined, error));
  }

  /** Holds a request whose read answered 304 (`current`: no version was told since it subscribed). */
  #start<Q, R extends Answer>(respond: Respond<Q, R>, request: Q, seconds: number, signal: AbortSignal | undefined, resolve: Settle<R>, read: PoolSnapshot, current: boolean): void {
    let snapshot = read;
    let response = respond(snapshot, request);
    const latest = this.#latest;
    if (response.status === 304 && !current && latest !== undefined) response = respond((snapshot = latest), request);
    if (response.status !== 304 || signal?.aborted === true || this.#changes === undefined) {
      this.#idle();
      resolve(applied(response, seconds));
    } else {
      // One hold type for every request type: its own respond only ever gets its own request back.
      const anyRespond = respond as Respond<unknown, Answer>;
      this.#add(new Hold(this, request, anyRespond, snapshot, resolve as Settle<Answer>, seconds, performance.now() + seconds * 1000, signal));
    }
  }

  /**
   * Ends a hold with its last answer.
   *
   * @param hold - The hold.
   */
  end(hold: Hold): void {
    if (!hold.done) this.#finish(hold, hold.respond(hold.snapshot, hold.request));
  }

  /**
   * Ends a hold whose signal aborted; when the queues hold more ended holds than live ones (clients
   * that keep going away while nothing changes), drops the ended ones.
   *
   * @param hold - The hold.
   */
  abort(hold: Hold): void {
    this.end(hold);
    if (this.#dead <= 64 || this.#dead <= this.#held) return;
    for (const [seconds, queue] of this.#queues) this.#queues.set(seconds, queue.filter((one) => !one.done));
    this.#dead = 0;
  }

  #finish(hold: Hold, response: Answer): void {
    hold.done = true;
    this.#dead++;
    this.#held--;
    hold.signal?.removeEventListener('abort', hold);
    hold.resolve(applied(response, hold.seconds));
    this.#idle();
  }

  #add(hold: Hold): void {
    this.#held++;
    hold.signal?.addEventListener('abort', hold, { once: true });
    let queue = this.#queues.get(hold.seconds);
    if (queue === undefined) this.#queues.set(hold.seconds, (queue = []));
    queue.push(hold);
    if (hold.deadline < this.#timerAt) this.#arm(hold.deadline);
  }

  /** Subscribes when not subscribed; false when the pool is closed. */
  #subscribe(): boolean {
    if (this.#changes !== undefined) return true;
    const changes = this.#pool.changes({});
    this.#changes = changes;
    this.#told++;
    this.#latest = undefined;
    void this.#follow(changes);
    return true;
  }

  async #follow(changes: AsyncIterator<PoolSnapshot, undefined>): Promise<void> {
    for (;;) {
      const next = await changes.next();
      if (this.#changes !== changes) return;
      if (next.done === true) break;
      this.#release(next.value);
    }
    // The pool closed: every hold ends with its last answer.
    this.#changes = undefined;
    this.#endAll();
  }

  /** A new version: answered to every hold, which ends unless its answer is still 304. */
  #release(snapshot: PoolSnapshot): void {
    this.#told++;
    this.#latest = snapshot;
    for (const [seconds, queue] of this.#queues) {
      const left: Hold[] = [];
      for (const hold of queue) {
        if (hold.done) continue;
        const response = hold.respond(snapshot, hold.request);
        if (response.status === 304) {
          hold.snapshot = snapshot;
          left.push(hold);
        } else this.#finish(hold, response);
      }
      if (left.length === 0) this.#queues.delete(seconds);
      else this.#queues.set(seconds, left);
    }
    this.#dead = 0;
    this.#idle();
  }

  #endAll(): void {
    const queues = [...this.#queues.values()];
    this.#queues.clear();
    for (const queue of queues) for (const hold of queue) this.end(hold);
    this.#dead = 0;
  }

  /** With no hold left: unsubscribed (so a pool in stat mode stops checking), no timer. */
  #idle(): void {
    if (this.#held > 0 || this.#joining > 0) return;
    this.#queues.clear();
    this.#dead = 0;
    this.#disarm();
    const changes = this.#changes;
    this.#changes = undefined;
    void changes?.return?.();
  }

  #arm(at: number): void {
    this.#disarm();
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, Math.ceil(at - performance.now())));
    this.#timer.unref();
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  /** Ends the holds whose time is up, and sets the timer for the next deadline. */
  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [seconds, queue] of this.#queues) {
      let first = 0;
      while (first < queue.length && (queue[first] as Hold).deadline <= now) this.end(queue[first++] as Hold);
      // end() may have emptied every queue (and cleared them): this one is then done too.
      if (first >= queue.length || this.#held === 0) {
        this.#queues.delete(seconds);
        this.#dead -= queue.length;
      } else {
        queue.splice(0, first);
        this.#dead -= first;
        next = Math.min(next, (queue[0] as Hold).deadline);
      }
    }
    this.#dead = Math.max(0, this.#dead);
    if (next !== Infinity) this.#arm(next);
  }
}

function applied<R extends Answer>(response: R, seconds: number): R {
  response.headers['preference-applied'] = `wait=${seconds}`;
  return response;
}
