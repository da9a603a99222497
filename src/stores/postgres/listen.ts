import type { StoreWatch, StoreWatchListener } from '../types.js';
import type { PostgresClient } from './client.js';
import { storeError } from './errors.js';
import { SharedListen, type ListenMember } from './listen-shared.js';

/** What a {@link PostgresListen} listens to, and how. */
export interface ListenTarget {
  readonly client: PostgresClient;
  /** The channel (the table's name, checked by `TABLE_PATTERN`). */
  readonly channel: string;
  /** The pool's name: only notifications with this payload are told. */
  readonly name: string;
  readonly reconnectMs: number;
  /** How long {@link PostgresListen.ready} waits for an attempt to listen. */
  readonly connectTimeoutMs: number;
  /** The store's location and table, for the errors of {@link PostgresListen.start}. */
  readonly location: string;
  readonly table: string;
}

/**
 * The `LISTEN` side of one PostgreSQL store, shared by its watches: a member of the one
 * {@link SharedListen} connection of its `pg.Pool` in this process, from the first watch (or
 * `store.listen()`) until the store closes. Its watches vouch (`healthy`) only while that connection
 * is up and listening on the store's channel; any loss of it makes them unhealthy at once, so the pool
 * checks the database at each read, and it connects again every `reconnectMs`, or at once when an
 * awaited read asks ({@link PostgresListen.ready}). Each watch is told `changed()` both when the
 * connection is lost and once it listens again.
 */
export class PostgresListen {
  readonly #target: ListenTarget;
  readonly #listeners = new Set<StoreWatchListener>();
  readonly #member: ListenMember;
  #shared: SharedListen | undefined;
  #closed = false;

  /** @param target - The pool, channel and name. */
  constructor(target: ListenTarget) {
    this.#target = target;
    const listeners = this.#listeners;
    this.#member = {
      channel: target.channel,
      name: target.name,
      reconnectMs: target.reconnectMs,
      tell() {
        for (const listener of [...listeners]) listener.changed();
      },
    };
  }

  /** Whether the connection is up and listening. */
  get listening(): boolean {
    return this.#shared?.listening(this.#target.channel) === true;
  }

  /**
   * Starts listening if not yet, and waits for the connection.
   *
   * @returns Once listening.
   * @throws {PersonaPoolError} `STORE_UNAVAILABLE` when this attempt fails (it tries again every `reconnectMs`).
   */
  async start(): Promise<void> {
    if (this.listening) return;
    const error = await this.#join()?.connect();
    if (!this.listening) throw storeError(error ?? new Error('connection'), { ...this.#target, lockWaitMs: 0, fallback: 'STORE_UNAVAILABLE' });
  }

  /**
   * Resolves once listening, or once the attempt to listen under way (one starts now if none is,
   * without waiting for `reconnectMs`) has failed, or after `connectTimeoutMs`; at once when listening
   * or closed. Never rejects.
   *
   * @returns Once the watch vouches, or cannot now.
   */
  async ready(): Promise<void> {
    const shared = this.#join();
    if (shared === undefined || this.listening) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#target.connectTimeoutMs)));
    await Promise.race([shared.connect(), timeout]);
    clearTimeout(timer);
  }

  /**
   * A watch told of this pool's notifications; healthy while the connection listens.
   *
   * @param listener - Told of each notification, and after each reconnection.
   * @returns The watch.
   */
  watch(listener: StoreWatchListener): StoreWatch {
    this.#listeners.add(listener);
    this.#join();
    const listeners = this.#listeners;
    const listening = () => this.listening;
    const ready = () => this.ready();
    let open = true;
    return {
      get healthy() {
        return open && listening();
      },
      ready: () => (open ? ready() : Promise.resolve()),
      close() {
        open = false;
        listeners.delete(listener);
      },
    };
  }

  /** Stops listening: leaves the shared connection, given back once no store of its pg.Pool listens. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#shared?.leave(this.#member);
    this.#shared = undefined;
  }

  /** The shared connection, joined at the first use; undefined once closed. */
  #join(): SharedListen | undefined {
    if (this.#closed) return undefined;
    this.#shared ??= SharedListen.join(this.#target.client, this.#member);
    return this.#shared;
  }
}
