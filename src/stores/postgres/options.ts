import { PersonaPoolError } from '../../errors.js';
import { checkOptionsObject, type OptionsInput } from '../../options.js';
import type { PostgresClient } from './client.js';

/** The options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** The host's `pg.Pool`; the store never closes it. Required. */
  readonly client: PostgresClient;
  /** The pool's name in the table (`global`, `topology:42`): any non-empty text up to 200 characters, always a bound parameter. Required. */
  readonly name: string;
  /**
   * The table (default `persona_pools`); its history is `<table>_history` and its `NOTIFY` channel is
   * the table's name. Lower-case letters, digits and `_`, starting with a letter or `_`, at most 50
   * characters, optionally after a schema and a dot (`app.persona_pools`).
   */
  readonly table: string;
  /** How long a replace waits for the row lock another writer holds before failing with `LOCKED` (ms; default 15000, as the file store). */
  readonly lockWaitMs: number;
  /** How long the watch waits before connecting again after losing its `LISTEN` connection (ms; default 1000). */
  readonly reconnectMs: number;
  /**
   * In watch mode, how long an awaited read waits for the `LISTEN` connection to be up before it reads
   * anyway (ms; default 5000); the connection itself is bounded by the `pg.Pool`'s `connectionTimeoutMillis`.
   */
  readonly connectTimeoutMs: number;
}

/** What {@link postgresStore} takes: `client` and `name`, and any of the other options (`undefined` meaning the default). */
export type PostgresStoreInput = Pick<PostgresStoreOptions, 'client' | 'name'> & OptionsInput<Omit<PostgresStoreOptions, 'client' | 'name'>>;

/** The defaults of the optional options. */
export const POSTGRES_STORE_DEFAULTS = {
  /** One table for every named pool. */
  table: 'persona_pools',
  /** As the file store's lock wait. */
  lockWaitMs: 15_000,
  reconnectMs: 1000,
  /** As the `connectionTimeoutMillis` docs/stores.md suggests. */
  connectTimeoutMs: 5000,
} as const satisfies Partial<PostgresStoreOptions>;

/** The table names accepted: never interpolated into SQL unless they match this. */
export const TABLE_PATTERN = /^(?:[a-z_][a-z0-9_]{0,49}\.)?[a-z_][a-z0-9_]{0,49}$/;

function invalid(message: string): PersonaPoolError {
  return new PersonaPoolError('INVALID_OPTION', message);
}

function checkNumber(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3_600_000) {
    throw invalid(`postgresStore: ${name} must be a whole number of milliseconds from 1 to 3600000, got ${String(value)}`);
  }
}

/**
 * Checks the options of {@link postgresStore} and fills in the defaults.
 *
 * @param input - The caller's options.
 * @returns The complete options.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing client, an empty or too long name, an invalid table name or timing.
 */
export function postgresOptions(input: PostgresStoreInput): PostgresStoreOptions {
  checkOptionsObject(input, 'postgresStore');
  const options = { ...POSTGRES_STORE_DEFAULTS, ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) } as PostgresStoreOptions;
  const { client, name, table } = options;
  if (typeof client?.query !== 'function' || typeof client.connect !== 'function') throw invalid('postgresStore: client must be a pg.Pool (new pg.Pool(...))');
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw invalid('postgresStore: name must be a non-empty string of at most 200 characters, e.g. "global"');
  if (typeof table !== 'string' || !TABLE_PATTERN.test(table)) {
    throw invalid(`postgresStore: table ${JSON.stringify(table)} is not a plain lower-case SQL name (letters, digits, _; optionally schema.table)`);
  }
  checkNumber('lockWaitMs', options.lockWaitMs);
  checkNumber('reconnectMs', options.reconnectMs);
  checkNumber('connectTimeoutMs', options.connectTimeoutMs);
  return options;
}
