/**
 * `persona-pool/postgres`: the PostgreSQL store, {@link postgresStore}. `pg` is an optional peer
 * dependency of persona-pool: this entry checks, when imported, that it can be found, and never loads
 * it itself (the host makes its own `pg.Pool` and passes it in). See docs/stores.md.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { PersonaPoolError } from '../../errors.js';
import type { PostgresStoreInput } from './options.js';
import { PostgresStore } from './store.js';

try {
  createRequire(import.meta.url).resolve('pg');
} catch {
  throw new PersonaPoolError('INVALID_OPTION', 'persona-pool/postgres needs the "pg" package, an optional peer dependency of persona-pool: install it with "npm install pg"');
}

export type { PostgresClient, PostgresConnection, PostgresQuery, PostgresResult } from './client.js';
export type { PostgresStoreInput, PostgresStoreOptions } from './options.js';
export type { PostgresStore, PostgresTag } from './store.js';

/**
 * A store that keeps the pool `name` in PostgreSQL, for `new PersonaPool({ store })`. Call
 * `await store.setup()` once (or run the SQL of docs/stores.md).
 *
 * @param options - `client` (your `pg.Pool`), `name`, and optionally `table`, `lockWaitMs`, `reconnectMs`, `connectTimeoutMs`.
 * @returns The store.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option (an invalid table name among them).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PersonaPool } from 'persona-pool';
 * import { postgresStore } from 'persona-pool/postgres';
 *
 * const client = new pg.Pool({ connectionTimeoutMillis: 5000 }); // PGHOST, PGUSER, PGPASSWORD...
 * const store = postgresStore({ client, name: 'global' });
 * await store.setup();
 * const pool = new PersonaPool({ store, watch: true });
 * ```
 */
export function postgresStore(options: PostgresStoreInput): PostgresStore {
  return new PostgresStore(options);
}
