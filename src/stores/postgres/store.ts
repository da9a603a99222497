import { logger } from '../../log.js';
import { PersonaPoolError } from '../../errors.js';
import type { HistoryEntry, PersonaStore, StoreChange, StoreRead, StoreReadOptions, StoreReplaceOptions, StoreWatch, StoreWatchListener, StoreWritten } from '../types.js';
import type { PostgresConnection } from './client.js';
import { errorCode, storeError } from './errors.js';
import { PostgresListen } from './listen.js';
import { postgresOptions, type PostgresStoreInput, type PostgresStoreOptions } from './options.js';
import { historyEntry, type HistoryRow } from './history.js';
import { sqlFor, type PostgresSql } from './sql.js';
import { FromChange, transaction } from './transaction.js';

const log = logger('persona-pool:postgres');
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The tag of a read of the PostgreSQL store: the row's version, or null for no row. */
export type PostgresTag = string | null;


interface Row {
  readonly version: string;
  readonly size: number;
  readonly content: Uint8Array | null;
}

/**
 * A persona pool kept in PostgreSQL: one row of `table` per named pool, its replaced versions in
 * `<table>_history`, and a `NOTIFY` on the table's channel at each replace. Made by {@link postgresStore}.
 */
export class PostgresStore implements PersonaStore<PostgresTag> {
  readonly #options: PostgresStoreOptions;
  readonly #sql: PostgresSql;
  /** The prefix of this table's prepared statements (prepared once per connection, then only bound). */
  readonly #prefix: string;
  #listen: PostgresListen | undefined;
  /** `postgres:<table>/<name>`: where the pool lives, without secrets. */
  readonly location: string;

  /**
   * @param options - See {@link PostgresStoreOptions}.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  constructor(options: PostgresStoreInput) {
    this.#options = postgresOptions(options);
    this.#sql = sqlFor(this.#options.table);
    this.#prefix = `persona_pool:${this.#options.table}:`;
    this.location = `postgres:${this.#options.table}/${this.#options.name}`;
  }

  /**
   * Creates the table, its history table and index if missing: idempotent (where both tables exist it
   * only checks, so a user without the CREATE right may call it), and safe when several hosts call it
   * at once (it creates under a transaction-level advisory lock). docs/stores.md gives the same SQL.
   *
   * @returns Once the tables exist.
   * @throws {PersonaPoolError} `STORE_UNAVAILABLE` when the database cannot be reached; `WRITE_FAILED` otherwise (e.g. no CREATE right).
   */
  async setup(): Promise<void> {
    if (await this.#ready()) return; // no CREATE right needed where the tables exist
    await this.#transaction(async (connection) => {
      await connection.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['persona-pool setup', this.#options.table]);
      for (const statement of this.#sql.setup) await connection.query(statement);
    });
  }

  /**
   * One query: the row's version, and its content only when it is not the one tagged `since`.
   *
   * @param since - The version the pool holds (null: no row), or undefined.
   * @param options - `maxBytes`.
   * @returns What was found.
   * @throws {PersonaPoolError} `STORE_UNAVAILABLE` when the database is down, unreachable or refuses the login.
   */
  async read(since: PostgresTag | undefined, { maxBytes }: StoreReadOptions): Promise<StoreRead<PostgresTag>> {
    try {
      const values = [this.#options.name, since ?? null, maxBytes];
      const { rows } = await this.#options.client.query({ name: `${this.#prefix}read`, text: this.#sql.read, values });
      return this.#found(rows[0] as Row | undefined, since, maxBytes);
    } catch (error) {
      throw this.#error(error, 'STORE_UNAVAILABLE');
    }
  }

  /**
   * One transaction: the row locked (`FOR UPDATE`; an advisory lock on the name while there is no row),
   * `change` called with what it holds, the replaced content kept in the history and pruned, the new
   * content written, `NOTIFY`, commit. A lock held past `lockWaitMs` is `LOCKED`.
   *
   * @param since - The version the pool holds, or undefined.
   * @param change - The pool's check and change.
   * @param options - `maxBytes`, `historyLimit`.
   * @returns The location and the new version.
   * @throws {PersonaPoolError} `LOCKED`, `STORE_UNAVAILABLE`, `WRITE_FAILED`; whatever `change` throws, as it is.
   */
  async replace(since: PostgresTag | undefined, change: StoreChange<PostgresTag>, options: StoreReplaceOptions): Promise<StoreWritten<PostgresTag>> {
    const { name, lockWaitMs } = this.#options;
    const sql = this.#sql;
    const version = await this.#transaction(async (connection) => {
      const row = await this.#lockRow(connection, since, options.maxBytes);
      const write = await change(this.#found(row, since, options.maxBytes)).catch((error: unknown) => Promise.reject(new FromChange(error)));
      const kept = row === undefined ? null : (write.replacing?.count ?? null);
      const { text, bytes } = payloadOf(write.bytes);
      const values = [name, text, write.version, kept, options.historyLimit, sql.channel, bytes, write.by ?? null];
      await connection.query({ name: `${this.#prefix}write`, text: sql.write, values });
      return write.version;
    }, lockWaitMs);
    return { location: this.location, tag: version };
  }

  /**
   * The versions kept in `<table>_history`, newest first; none when the database cannot be read (logged).
   *
   * @returns `{ version, savedAt, count }` of each version kept.
   */
  async history(): Promise<readonly HistoryEntry[]> {
    try {
      const { rows } = await this.#options.client.query(this.#sql.history, [this.#options.name]);
      return (rows as HistoryRow[]).map(historyEntry);
    } catch (error) {
      log('history of %s not listed (%s)', this.location, errorCode(error));
      return [];
    }
  }

  /**
   * The bytes of the newest version kept with this version.
   *
   * @param version - A version {@link PostgresStore.history} lists.
   * @param options - `maxBytes`.
   * @returns The bytes, as stored.
   * @throws {PersonaPoolError} `UNKNOWN_VERSION` when it is not kept (or is over `maxBytes`); `STORE_UNAVAILABLE`.
   */
  async readVersion(version: string, { maxBytes }: StoreReadOptions): Promise<Uint8Array> {
    let rows: readonly unknown[];
    try {
      ({ rows } = await this.#options.client.query(this.#sql.version, [this.#options.name, version]));
    } catch (error) {
      throw this.#error(error, 'STORE_UNAVAILABLE');
    }
    const content = (rows[0] as { content: Uint8Array } | undefined)?.content;
    if (content === undefined || content.byteLength > maxBytes) {
      throw new PersonaPoolError('UNKNOWN_VERSION', `The persona pool ${this.location} keeps no version ${version}: list them with history()`);
    }
    return content;
  }

  /**
   * Listens for this pool's `NOTIFY` on the `LISTEN` connection of the host's `pg.Pool` (one per
   * `pg.Pool` in this process, shared by every store made on it, taken at the first watch and held
   * until the last of them closes).
   *
   * @param listener - Told of each change, and after each reconnection.
   * @returns The watch.
   */
  watch(listener: StoreWatchListener): StoreWatch {
    return this.#listener().watch(listener);
  }

  /**
   * Takes the `LISTEN` connection now and waits until it listens: an optional warm-up (in watch mode,
   * the pool's first awaited read waits for that connection anyway, up to `connectTimeoutMs`).
   *
   * @returns Once listening.
   * @throws {PersonaPoolError} `STORE_UNAVAILABLE` when the database cannot be reached (the store keeps trying in the background).
   */
  listen(): Promise<void> {
    return this.#listener().start();
  }

  /**
   * Ends every watch of this store, leaving the shared `LISTEN` connection (given back when no other
   * store of its `pg.Pool` listens); the host's `pg.Pool` stays open (it is the host's). Idempotent; a
   * watch made afterwards listens again.
   *
   * @returns Once closed.
   */
  async close(): Promise<void> {
    this.#listen?.close();
    this.#listen = undefined;
  }

  #listener(): PostgresListen {
    const { client, name, reconnectMs, connectTimeoutMs, table } = this.#options;
    this.#listen ??= new PostgresListen({ client, name, reconnectMs, connectTimeoutMs, table, location: this.location, channel: this.#sql.channel });
    return this.#listen;
  }

  async #ready(): Promise<boolean> {
    const { table } = this.#options;
    try {
      const { rows } = await this.#options.client.query(this.#sql.ready, [table, `${table}_history`]);
      return (rows[0] as { ready: boolean }).ready;
    } catch (error) {
      throw this.#error(error, 'STORE_UNAVAILABLE');
    }
  }

  #found(row: Row | undefined, since: PostgresTag | undefined, maxBytes: number): StoreRead<PostgresTag> {
    const { location } = this;
    if (row === undefined) return since === null ? { kind: 'unchanged' } : { kind: 'missing', location, tag: null };
    if (since !== undefined && row.version === since) return { kind: 'unchanged' };
    if (row.content === null) {
      const message = `The persona pool ${location} holds ${row.size} bytes, over maxBytes (${maxBytes}): raise maxBytes or replace it`;
      return { kind: 'problem', location, problem: { code: 'TOO_LARGE', message }, version: row.version, tag: row.version };
    }
    return { kind: 'content', location, bytes: row.content, tag: row.version };
  }

  async #lockRow(connection: PostgresConnection, since: PostgresTag | undefined, maxBytes: number): Promise<Row | undefined> {
    const values = [this.#options.name, since ?? null, maxBytes];
    const query = { name: `${this.#prefix}lock`, text: this.#sql.lockRow, values };
    const row = (await connection.query(query)).rows[0] as Row | undefined;
    if (row !== undefined) return row;
    // No row to lock yet: writers of a new pool queue on an advisory lock on its name instead.
    await connection.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [this.#options.table, this.#options.name]);
    return (await connection.query(query)).rows[0] as Row | undefined;
  }

  #transaction<T>(work: (connection: PostgresConnection) => Promise<T>, lockWaitMs?: number): Promise<T> {
    return transaction(this.#options.client, (error, fallback) => this.#error(error, fallback), work, lockWaitMs);
  }

  #error(error: unknown, fallback: 'STORE_UNAVAILABLE' | 'WRITE_FAILED'): PersonaPoolError {
    const typed = storeError(error, { location: this.location, table: this.#options.table, lockWaitMs: this.#options.lockWaitMs, fallback });
    log('%s: %s (%s)', this.location, typed.code, errorCode(error));
    return typed;
  }
}

/**
 * What a write sends: the bytes as UTF-8 text (the server turns it back into the same bytes with
 * `convert_to`: half the bytes of bytea's hex on the wire), or the bytes themselves where they are not
 * UTF-8 text PostgreSQL can hold (invalid UTF-8, a NUL), which only an outside writer's can be.
 */
function payloadOf(bytes: Uint8Array): { text: string | null; bytes: Buffer | null } {
  try {
    const text = STRICT_UTF8.decode(bytes);
    if (!text.includes('\0')) return { text, bytes: null };
  } catch {
    // not UTF-8: sent as bytea
  }
  return { text: null, bytes: Buffer.from(bytes) };
}
