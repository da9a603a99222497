/** The result of a query, as `pg` gives it: only what the store reads. */
export interface PostgresResult {
  /** The rows, one object per row, keyed by column name. */
  readonly rows: readonly unknown[];
}

/** A statement prepared once per connection under `name` (pg's `QueryConfig`), then only bound and run. */
export interface PostgresQuery {
  /** The prepared statement's name. */
  readonly name: string;
  /** Its SQL. */
  readonly text: string;
  /** Its parameters. */
  readonly values: unknown[];
}

/** A connection taken from a pool (`pg.PoolClient`): only what the store uses. */
export interface PostgresConnection {
  /** Runs a prepared statement. */
  query(query: PostgresQuery): Promise<PostgresResult>;
  /** Runs one statement with bound parameters. */
  query(text: string, values?: unknown[]): Promise<PostgresResult>;
  /** Gives the connection back; with an error, the pool discards it. */
  release(error?: Error | boolean): void;
  /** A `NOTIFY` received on a channel this connection listens to. */
  on(event: 'notification', listener: (message: { channel: string; payload?: string | undefined }) => void): unknown;
  /** The connection broke (the server stopped, `pg_terminate_backend`, a network error). */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** The connection ended. */
  on(event: 'end', listener: () => void): unknown;
  /** Removes an `error` listener, before the connection goes back to the pool. */
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The host's connection pool, a `pg.Pool`: the store needs only `query` and `connect`, so any object
 * with the same two methods works (a test double is not needed: the tests use a real server).
 */
export interface PostgresClient {
  /** Runs a prepared statement on any connection of the pool. */
  query(query: PostgresQuery): Promise<PostgresResult>;
  /** Runs one statement on any connection of the pool. */
  query(text: string, values?: unknown[]): Promise<PostgresResult>;
  /** Takes a connection for a transaction, or for the watch's `LISTEN` (held while it runs). */
  connect(): Promise<PostgresConnection>;
}
