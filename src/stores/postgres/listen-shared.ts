import { logger } from '../../log.js';
import type { PostgresClient, PostgresConnection } from './client.js';
import { errorCode } from './errors.js';
import { takeConnection } from './transaction.js';

const log = logger('persona-pool:postgres');

/** A store listening through a {@link SharedListen}: told of its pool's notifications. */
export interface ListenMember {
  /** Its table's channel. */
  readonly channel: string;
  /** Its pool's name: only notifications with this payload are told. */
  readonly name: string;
  /** How long to wait before connecting again after a loss (the smallest of the members' is used). */
  readonly reconnectMs: number;
  /** A notification for it, a loss of the connection, or its channel listened (again). */
  tell(): void;
}

/** One shared connection per `pg.Pool` (per host pool, per process); forgotten once its last member leaves. */
const shared = new WeakMap<PostgresClient, SharedListen>();

/**
 * The one `LISTEN` connection of a `pg.Pool` in this process, shared by every store made on that
 * pool (any table, any name) that watches: it listens on each member's channel and tells each
 * member the notifications of its own pool. It is taken at the first member's first watch, and
 * given back (discarded) when the last member leaves. Any loss of it (the server restarted,
 * `pg_terminate_backend`, a network error) tells every member at once, and it connects again after
 * `reconnectMs`, or sooner when asked ({@link SharedListen.connect}).
 */
export class SharedListen {
  readonly #client: PostgresClient;
  readonly #members = new Set<ListenMember>();
  /** The channels `LISTEN`ed on the current connection. */
  readonly #listened = new Set<string>();
  #connection: PostgresConnection | undefined;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  /** The attempt under way, if any: it resolves with its error, or undefined once every channel listens. */
  #attempt: Promise<unknown> | undefined;

  private constructor(client: PostgresClient) {
    this.#client = client;
  }

  /**
   * Joins the shared connection of `client`, made if none is open, and starts listening on the
   * member's channel.
   *
   * @param client - The host's `pg.Pool`.
   * @param member - The store joining.
   * @returns The shared connection; {@link SharedListen.leave} it when done.
   */
  static join(client: PostgresClient, member: ListenMember): SharedListen {
    let listen = shared.get(client);
    if (listen === undefined) shared.set(client, (listen = new SharedListen(client)));
    listen.#members.add(member);
    if (!listen.listening(member.channel)) void listen.connect();
    return listen;
  }

  /**
   * Whether the connection is up and listening on `channel`.
   *
   * @param channel - A member's channel.
   * @returns Whether notifications on it are received now.
   */
  listening(channel: string): boolean {
    return this.#connection !== undefined && this.#listened.has(channel);
  }

  /**
   * The attempt to listen on every member's channel: the one under way, or a new one now (without
   * waiting for `reconnectMs`). Never rejects.
   *
   * @returns Its error, or undefined once every channel listens.
   */
  connect(): Promise<unknown> {
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

  /**
   * A member leaves; the last one gives the connection back, discarded (it still listens).
   *
   * @param member - The store leaving.
   */
  leave(member: ListenMember): void {
    this.#members.delete(member);
    if (this.#members.size > 0 || this.#closed) return;
    this.#closed = true;
    shared.delete(this.#client);
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#connection = undefined;
    this.#listened.clear();
    connection?.release(true);
  }

  async #open(): Promise<void> {
    const connection = this.#connection ?? (await this.#take());
    // One channel after another, until every member's listens (members may join meanwhile).
    for (let channel = this.#unlistened(); channel !== undefined; channel = this.#unlistened()) {
      try {
        await connection.query(`LISTEN ${channel}`);
      } catch (error) {
        this.#lost(connection, error);
        throw error;
      }
      if (this.#connection !== connection) throw new Error('connection');
      this.#listened.add(channel);
      log('watch: listening on %s', channel);
      for (const member of [...this.#members]) if (member.channel === channel) member.tell();
    }
  }

  async #take(): Promise<PostgresConnection> {
    if (this.#closed) throw new Error('connection');
    let connection: PostgresConnection;
    try {
      connection = await takeConnection(this.#client);
    } catch (error) {
      log('watch: cannot connect (%s), again in %d ms', errorCode(error), this.#reconnectMs());
      this.#retry();
      throw error;
    }
    if (this.#closed) throw (connection.release(true), new Error('connection'));
    this.#connection = connection;
    // Held for as long as it listens: an error without a listener would crash the host.
    connection.on('notification', (message) => {
      if (this.#connection !== connection) return;
      for (const member of [...this.#members]) if (member.channel === message.channel && member.name === message.payload) member.tell();
    });
    connection.on('error', (error) => this.#lost(connection, error));
    connection.on('end', () => this.#lost(connection, undefined));
    return connection;
  }

  #unlistened(): string | undefined {
    for (const member of this.#members) if (!this.#listened.has(member.channel)) return member.channel;
    return undefined;
  }

  /** The connection broke: every member unhealthy at once, the connection discarded, a new one in `reconnectMs`. */
  #lost(connection: PostgresConnection, error: unknown): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    this.#listened.clear();
    log('watch: LISTEN connection lost (%s), again in %d ms', error === undefined ? 'end' : errorCode(error), this.#reconnectMs());
    connection.release(true);
    this.#retry();
    // A hint too: whatever changed while the connection was going is not vouched for (and the pool
    // sees the watch unhealthy now, so each read checks the database until it listens again).
    for (const member of [...this.#members]) member.tell();
  }

  #reconnectMs(): number {
    return Math.min(...[...this.#members].map((member) => member.reconnectMs));
  }

  #retry(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.connect(), this.#reconnectMs());
    this.#timer.unref();
  }
}
