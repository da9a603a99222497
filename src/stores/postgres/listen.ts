import createDebug from 'debug';
import type { StoreWatch, StoreWatchListener } from '../types.js';
import type { PostgresClient, PostgresConnection } from './client.js';
import { errorCode, storeError } from './errors.js';
import { takeConnection } from './transaction.js';

const log = createDebug('persona-pool:postgres');

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
 * The `LISTEN` connection of one PostgreSQL store, shared by its watches: one connection of the host's
 * pool, held from the first watch (or `store.listen()`) until the store closes. Its watches vouch
 * (`healthy`) only while that connection is up and listening; any loss of it (the server restarted,
 * `pg_terminate_backend`, a network error) makes them unhealthy at once, so the pool checks the
 * database at each read, and it connects again every `reconnectMs`. Each watch is told `changed()`
 * both when the connection is lost and once it listens again.
 */
export class PostgresListen {
  readonly #target: ListenTarget;
  readonly #listeners = new Set<StoreWatchListener>();
  #connection: PostgresConnection | undefined;
  #listening = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  /** The attempt to listen under way, if any: it resolves with its error, or undefined once listening. */
  #attempt: Promise<unknown> | undefined;

  /** @param target - The pool, channel and name. */
  constructor(target: ListenTarget) {
    this.#target = target;
  }

  /** Whether the connection is up and listening. */
  get listening(): boolean {
    return this.#listening;
  }

  /**
   * Starts listening if not yet, and waits for the connection.
   *
   * @returns Once listening.
   * @throws {PersonaPoolError} `STORE_UNAVAILABLE` when this attempt fails (it tries again every `reconnectMs`).
   */
  async start(): Promise<void> {
    if (this.#listening) return;
    const error = await this.#connect();
    if (!this.#listening) throw storeError(error ?? new Error('connection'), { ...this.#target, lockWaitMs: 0, fallback: 'STORE_UNAVAILABLE' });
  }

  /**
   * Resolves once listening, or once the attempt to listen under way (one starts now if none is,
   * without waiting for `reconnectMs`) has failed, or after `connectTimeoutMs`; at once when listening
   * or closed. Never rejects.
   *
   * @returns Once the watch vouches, or cannot now.
   */
  async ready(): Promise<void> {
    if (this.#listening || this.#closed) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#target.connectTimeoutMs)));
    await Promise.race([this.#connect(), timeout]);
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
    if (!this.#listening) void this.#connect();
    const listeners = this.#listeners;
    const listening = () => this.#listening;
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

  /** Stops listening and gives the connection back, discarded (it still listens). Idempotent. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#connection = undefined;
    this.#listening = false;
    connection?.release(true);
  }

  #tell(): void {
    for (const listener of [...this.#listeners]) listener.changed();
  }

  /** The attempt under way, or a new one (the retry timer, if set, is no longer needed). */
  #connect(): Promise<unknown> {
    if (this.#attempt !== undefined) return this.#attempt;
    clearTimeout(this.#timer);
    const attempt = this.#open().then(
      () => undefined,
      (error: unknown) => error,
    );
    this.#attempt = attempt;
    void attempt.then(() => (this.#attempt = undefined));
    return attempt;
  }

  async #open(): Promise<void> {
    if (this.#closed) throw new Error('connection');
    let connection: PostgresConnection;
    try {
      connection = await takeConnection(this.#target.client);
    } catch (error) {
      log('watch: cannot connect (%s), again in %d ms', errorCode(error), this.#target.reconnectMs);
      this.#retry();
      throw error;
    }
    if (this.#closed) throw (connection.release(true), new Error('connection'));
    this.#connection = connection;
    this.#attach(connection);
    try {
      await connection.query(`LISTEN ${this.#target.channel}`);
    } catch (error) {
      this.#lost(connection, error);
      throw error;
    }
    if (this.#connection !== connection) throw new Error('connection');
    this.#listening = true;
    log('watch: listening on %s for %s', this.#target.channel, this.#target.name);
    this.#tell();
  }

  #attach(connection: PostgresConnection): void {
    const { channel, name } = this.#target;
    connection.on('notification', (message) => {
      if (message.channel === channel && message.payload === name && this.#connection === connection) this.#tell();
    });
    connection.on('error', (error) => this.#lost(connection, error));
    connection.on('end', () => this.#lost(connection, undefined));
  }

  /** The connection broke: unhealthy at once, the connection discarded, a new one in `reconnectMs`. */
  #lost(connection: PostgresConnection, error: unknown): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    this.#listening = false;
    log('watch: LISTEN connection lost (%s), again in %d ms', error === undefined ? 'end' : errorCode(error), this.#target.reconnectMs);
    connection.release(true);
    this.#retry();
    // A hint too: whatever changed while the connection was going is not vouched for (and the pool
    // sees the watch unhealthy now, so each read checks the database until it listens again).
    this.#tell();
  }

  #retry(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), this.#target.reconnectMs);
    this.#timer.unref();
  }
}
