// The run's one PostgreSQL server (started by test/helpers/postgres-global.ts) and, for each test
// file, a database of its own on it: files run in parallel and never see each other's tables, rows,
// LISTEN channels or sessions. Files that stop, restart or crash a server start their own instead
// (startTestServer() in postgres-server.mjs).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/** `pg.Pool`/`pg.Client` options for a database on the run's server. */
export interface PostgresConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** What the global setup provides: the server's config, or why there is no server. */
export type ProvidedPostgres = { readonly config: PostgresConfig } | { readonly error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres;
  }
}

/** A database of this file's own on the run's server. */
export interface FileDatabase {
  /** Its `pg` options; read it in or after `beforeAll`. */
  readonly config: PostgresConfig;
}

/** Runs one statement on the server's `postgres` database. */
async function onServer(config: PostgresConfig, sql: string): Promise<void> {
  const admin = new pg.Client({ ...config, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** The run's server as the global setup provided it; throws why there is none. */
function providedServer(): PostgresConfig {
  const provided = inject('postgres') as ProvidedPostgres | undefined;
  if (provided === undefined) throw new Error("This file uses the run's PostgreSQL server: list it in POSTGRES_FILES in .config/vitest.config.ts");
  if ('error' in provided) throw new Error(provided.error);
  return provided.config;
}

/** Creates a database for this file in `beforeAll` and drops it in `afterAll` (after the file's own hooks). */
export function fileDatabase(): FileDatabase {
  let config: PostgresConfig | undefined;
  beforeAll(async () => {
    const server = providedServer();
    const database = `file_${randomBytes(8).toString('hex')}`;
    await onServer(server, `CREATE DATABASE ${database}`);
    config = { ...server, database };
  });
  afterAll(async () => {
    if (config !== undefined) await onServer(config, `DROP DATABASE ${config.database} WITH (FORCE)`);
  });
  return {
    get config(): PostgresConfig {
      if (config === undefined) throw new Error('fileDatabase().config is set in beforeAll: read it there or in a test');
      return config;
    },
  };
}
