import { PersonaPoolError } from '../../errors.js';

/** Node's network error codes that mean the server cannot be reached. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** SQLSTATEs (and classes) of a server that refuses the login or is going away. */
const LOGIN = new Set(['28P01', '28000', '3D000', '57P01', '57P02', '57P03', '53300']);

/**
 * The code of a `pg` or network error: the SQLSTATE or errno code, else `connection` for a broken
 * connection, else `unknown`. Only this is ever shown of the error: its message may quote a
 * connection string.
 *
 * @param error - What `pg` threw.
 * @returns A short code without secrets.
 */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,20}$/.test(code)) return code;
  const message = error instanceof Error ? error.message : '';
  return /connection|terminat|timeout/i.test(message) ? 'connection' : 'unknown';
}

/** Whether the error means the database cannot be used now (down, unreachable, refusing the login). */
function unavailable(code: string): boolean {
  return NETWORK.has(code) || LOGIN.has(code) || code.startsWith('08') || code === 'connection' || code === '42P01' || code === '3F000';
}

/** What an operator should check, by code. */
function advice(code: string, table: string): string {
  if (code === '28P01' || code === '28000') return 'the login was refused: check PGUSER and PGPASSWORD (or the user and password of the pg.Pool)';
  if (code === '3D000') return 'the database does not exist: check PGDATABASE';
  if (code === '42P01' || code === '3F000') return `the table ${table} does not exist: call store.setup() or run the SQL of docs/stores.md`;
  return 'check that the server runs and is reachable (PGHOST, PGPORT), then try again';
}

/**
 * A `pg` error as a {@link PersonaPoolError}: `STORE_UNAVAILABLE` (503) for a database that is down,
 * unreachable or refuses the login; `LOCKED` (503) for a row lock held past `lockWaitMs`; otherwise
 * `fallback`. The message names the location and the code, never the original message (which may
 * hold a connection string); no `cause` is kept, for the same reason.
 *
 * @param error - What `pg` threw (a `PersonaPoolError` is returned as it is).
 * @param context - The store's location and table, the lock wait, and the code for anything else.
 * @returns The typed error.
 */
export function storeError(error: unknown, context: { location: string; table: string; lockWaitMs: number; fallback: 'STORE_UNAVAILABLE' | 'WRITE_FAILED' }): PersonaPoolError {
  if (error instanceof PersonaPoolError) return error;
  const code = errorCode(error);
  const { location } = context;
  if (code === '55P03') {
    return new PersonaPoolError('LOCKED', `The persona pool ${location} is locked by another writer and stayed locked for ${context.lockWaitMs} ms: try again shortly`);
  }
  if (unavailable(code)) {
    return new PersonaPoolError('STORE_UNAVAILABLE', `The persona pool ${location} cannot be reached (${code}): ${advice(code, context.table)}`);
  }
  const verb = context.fallback === 'WRITE_FAILED' ? 'written' : 'read';
  return new PersonaPoolError(context.fallback, `The persona pool ${location} could not be ${verb} (PostgreSQL error ${code}): see the server's log`);
}
