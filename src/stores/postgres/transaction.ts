import { PersonaPoolError } from '../../errors.js';
import type { PostgresClient, PostgresConnection } from './client.js';

/** The typed error for what `pg` threw, `fallback` for anything not a database that is down or locked. */
export type ToStoreError = (error: unknown, fallback: 'STORE_UNAVAILABLE' | 'WRITE_FAILED') => PersonaPoolError;

/** An error thrown by the pool's `change` inside a transaction: rethrown as it is, after the rollback. */
export class FromChange {
  /** @param error - What `change` threw. */
  constructor(readonly error: unknown) {}
}

/**
 * Takes a connection from the host's pool, checked to be one.
 *
 * @param client - The host's `pg.Pool`.
 * @returns The connection, which the caller must release.
 * @throws {PersonaPoolError} `INVALID_OPTION` when `client.connect()` gives no pool connection (a
 *   `pg.Client` was passed, not a `pg.Pool`); whatever `connect()` threw otherwise, for the caller to type.
 */
export async function takeConnection(client: PostgresClient): Promise<PostgresConnection> {
  const connection = (await client.connect()) as Partial<PostgresConnection> | undefined;
  const methods = [connection?.query, connection?.release, connection?.on, connection?.removeListener];
  if (methods.every((method) => typeof method === 'function')) return connection as PostgresConnection;
  throw new PersonaPoolError('INVALID_OPTION', 'postgresStore: client must be a pg.Pool (new pg.Pool(...)): its connect() gave no pool connection');
}

/**
 * Runs `work` in a transaction on a connection of its own, with a lock timeout if given; any failure
 * rolls back. While it holds the connection, an `error` listener catches what the connection emits
 * (`pg` emits a checked-out connection's errors on it, not on the pool: without a listener, a server
 * stopping or `pg_terminate_backend` would crash the host); a connection that errored is given back
 * broken (destroyed, never reused) and the call rejects with `STORE_UNAVAILABLE`.
 *
 * @param client - The host's `pg.Pool`.
 * @param toError - Types what `pg` threw.
 * @param work - The transaction's statements; wrap an error to rethrow as it is in {@link FromChange}.
 * @param lockWaitMs - The transaction's `lock_timeout`, if any (a checked integer).
 * @returns What `work` returned, once committed.
 * @throws {PersonaPoolError} `STORE_UNAVAILABLE`, `LOCKED`, `WRITE_FAILED`; a {@link FromChange}'s error as it is.
 */
export async function transaction<T>(client: PostgresClient, toError: ToStoreError, work: (connection: PostgresConnection) => Promise<T>, lockWaitMs?: number): Promise<T> {
  let connection: PostgresConnection;
  try {
    connection = await takeConnection(client);
  } catch (error) {
    throw toError(error, 'STORE_UNAVAILABLE');
  }
  let lost: Error | undefined;
  const onError = (error: Error) => void (lost ??= error);
  connection.on('error', onError);
  let discard = false;
  try {
    // One round trip; lockWaitMs is a checked integer, the only value written into this SQL.
    await connection.query(lockWaitMs === undefined ? 'BEGIN' : `BEGIN; SET LOCAL lock_timeout = ${lockWaitMs}`);
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    if (lost === undefined) await connection.query('ROLLBACK').catch(() => (discard = true));
    if (error instanceof FromChange) throw error.error;
    throw lost === undefined ? toError(error, 'WRITE_FAILED') : toError(lost, 'STORE_UNAVAILABLE');
  } finally {
    connection.removeListener('error', onError);
    connection.release(lost ?? discard);
  }
}
