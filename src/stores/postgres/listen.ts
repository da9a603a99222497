import createDebug from 'debug';
import type { StoreWatch, StoreWatchListener } from '../types.js';
import type { PostgresClient, PostgresConnection } from './client.js';
import { errorCode } from './errors.js';

const log = createDebug('persona-pool:postgres');

/** What a {@link PostgresListen} listens to, and how. */
export interface ListenTarget {
  readonly client: PostgresClient;
  /** The channel (the table's name, checked by `TABLE_PATTERN`). */
  readonly channel: string;
  /** The pool's name: only notifications with this payload are told. */
  readonly name: string;
  readonly reconnectMs: number;
}

/**
 * The watch of the PostgreSQL store: one connection of the host's pool, held for `LISTEN`. It vouches
 * (`healthy`) only while that connection is up and listening; any loss of it (the server restarted,
 * `pg_terminate_backend`, a network error) makes it unhealthy at once, so the pool checks the database
 * at each read, and it connects again every `reconnectMs`; once listening again it calls `changed()`.
 */
export class PostgresListen implements StoreWatch {
  readonly #target: ListenTarget;
  readonly #listener: StoreWatchListener;
  #connection: PostgresConnection | undefined;
  #listening = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  /**
   * Starts listening; `healthy` turns true once the `LISTEN` is in place.
   *
   * @param target - The pool, channel and name.
   * @param listener - Told of each notification for this pool, and after each reconnection.
   */
  constructor(target: ListenTarget, listener: StoreWatchListener) {
    this.#target = target;
    this.#listener = listener;
    void this.#open();
  }

  /** Whether the `LISTEN` connection is up: every change since the last `changed()` will be told. */
  get healthy(): boolean {
    return this.#listening && !this.#closed;
  }

  /** Stops listening and gives the connection back, discarded (it still listens). Idempotent. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#connection = undefined;
    this.#listening = false;
    connection?.release(true);
  }

  async #open(): Promise<void> {
    let connection: PostgresConnection;
    try {
      connection = await this.#target.client.connect();
    } catch (error) {
      log('watch: cannot connect (%s), again in %d ms', errorCode(error), this.#target.reconnectMs);
      return this.#retry();
    }
    if (this.#closed) return connection.release(true);
    this.#connection = connection;
    this.#attach(connection);
    try {
      await connection.query(`LISTEN ${this.#target.channel}`);
    } catch (error) {
      return this.#lost(connection, error);
    }
    if (this.#connection !== connection) return;
    this.#listening = true;
    log('watch: listening on %s for %s', this.#target.channel, this.#target.name);
    this.#listener.changed();
  }

  #attach(connection: PostgresConnection): void {
    const { channel, name } = this.#target;
    connection.on('notification', (message) => {
      if (message.channel === channel && message.payload === name && this.#connection === connection) this.#listener.changed();
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
  }

  #retry(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#open(), this.#target.reconnectMs);
    this.#timer.unref();
  }
}
