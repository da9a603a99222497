import { logger } from '../../log.js';
import type { StoreWatch, StoreWatchListener } from '../types.js';
import type { PostgresClient, PostgresConnection } from './client.js';
import { errorCode, storeError } from './errors.js';

const log = logger('persona-pool:postgres');

/** What a {@link PostgresListen} listens to, and how. */
export interface ListenTarget {
  readonly client: PostgresClient;
  /** The channel (the table's name, checked by `TABLE_PATTERN`). */
  readonly channel: string;
  /** The pool's name: only notifications with this payload are told. */
  readonly name: string;
  readonly reconnectMs: number;
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
  #started = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  /** Settled by the next attempt to listen: true when it listens. */
  #attempt: Promise<boolean> = Promise.resolve(false);

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
    if (!this.#started) {
      this.#started = true;
      this.#attempt = this.#open();
    }
    let error: unknown = new Error('connection');
    const listening = await this.#attempt.catch((reason: unknown) => ((error = reason), false));
    if (!listening) throw storeError(error, { ...this.#target, lockWaitMs: 0, fallback: 'STORE_UNAVAILABLE' });
  }

  /**
   * A watch told of this pool's notifications; healthy while the connection listens.
   *
   * @param listener - Told of each notification, and after each reconnection.
   * @returns The watch.
   */
  watch(listener: StoreWatchListener): StoreWatch {
    this.#listeners.add(listener);
    void this.start().catch(() => undefined);
    const listeners = this.#listeners;
    const listening = () => this.#listening;
    let open = true;
    return {
      get healthy() {
        return open && listening();
      },
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

  async #open(): Promise<boolean> {
    let connection: PostgresConnection;
    try {
      connection = await this.#target.client.connect();
    } catch (error) {
      log('watch: cannot connect (%s), again in %d ms', errorCode(error), this.#target.reconnectMs);
      this.#retry();
      throw error;
    }
    if (this.#closed) return (connection.release(true), false);
    this.#connection = connection;
    this.#attach(connection);
    try {
      await connection.query(`LISTEN ${this.#target.channel}`);
    } catch (error) {
      this.#lost(connection, error);
      throw error;
    }
    if (this.#connection !== connection) return false;
    this.#listening = true;
    log('watch: listening on %s for %s', this.#target.channel, this.#target.name);
    this.#tell();
    return true;
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
    this.#timer = setTimeout(() => {
      this.#attempt = this.#open();
      this.#attempt.catch(() => undefined);
    }, this.#target.reconnectMs);
    this.#timer.unref();
  }
}
