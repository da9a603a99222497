import { PersonaPoolError } from '../errors.js';
import type { PersonaStore } from '../stores/types.js';
import type { CommandOptions } from './commands.js';
import { openRemote, remoteMisuse } from './remote.js';

/** A store the command line opened (`--store postgres`), and how to let it go. */
export interface CliStore {
  /** The store, for `new PersonaPool({ store })`. */
  readonly store: PersonaStore;
  /** Creates the tables if missing (for the commands that write). */
  readonly setup: () => Promise<void>;
  /** Ends the connections. */
  readonly close: () => Promise<void>;
}

/**
 * What is wrong with `--store` and `--name`, if anything.
 *
 * @param options - The command's options.
 * @returns A usage error, or undefined.
 */
export function storeMisuse({ store, name, pool, output, url }: CommandOptions): string | undefined {
  if (store !== undefined && store !== 'file' && store !== 'postgres' && store !== 'remote') return `--store must be file, postgres or remote, not '${store}'`;
  if (store === 'remote') return remoteMisuse({ name, pool, output, url });
  if (url !== undefined) return '--url needs --store remote';
  if (store !== 'postgres') return name === undefined ? undefined : '--name needs --store postgres';
  if (name === undefined || name === '') return '--store postgres needs --name <pool> (e.g. --name global)';
  return pool === undefined && output === undefined ? undefined : '--pool and --output name a file: not with --store postgres';
}

/** The connection, from the libpq variables of `env` (never from the command line): DATABASE_URL wins. */
function connection(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const base = { max: 2, connectionTimeoutMillis: 10_000 };
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') return { ...base, connectionString: env.DATABASE_URL };
  const port = env.PGPORT === undefined || env.PGPORT === '' ? undefined : Number(env.PGPORT);
  const given = { host: env.PGHOST, port, user: env.PGUSER, password: env.PGPASSWORD, database: env.PGDATABASE };
  return { ...base, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined && value !== '')) };
}

/**
 * Opens the store `--store postgres --name <pool>` names, loading `pg` only now.
 *
 * @param options - The command's options.
 * @param env - The environment: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, or DATABASE_URL.
 * @returns The store, or undefined for the file store.
 * @throws {PersonaPoolError} `INVALID_OPTION` when `pg` is not installed: the message says to install it.
 */
export async function openStore(options: CommandOptions, env: NodeJS.ProcessEnv): Promise<CliStore | undefined> {
  if (options.store === 'remote' && options.url !== undefined) return openRemote(options.url, env);
  if (options.store !== 'postgres' || options.name === undefined) return undefined;
  const [{ default: pg }, { postgresStore }] = await Promise.all([import('pg'), import('../stores/postgres/index.js')]).catch(() => {
    throw new PersonaPoolError('INVALID_OPTION', '--store postgres needs the "pg" package: install it with "npm install pg" (beside persona-pool)');
  });
  const client = new pg.Pool(connection(env));
  client.on('error', () => undefined); // an idle connection ended by the server: the next query says why
  const store = postgresStore({ client, name: options.name });
  return { store, setup: () => store.setup(), close: () => client.end() };
}
