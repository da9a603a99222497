// How the PostgreSQL store names what pg throws: the code only, never the message (which may quote a
// connection string), and the right PersonaPoolError code for each kind.
import { describe, expect, it } from 'vitest';
import { PersonaPoolError } from '../../../src/errors.js';
import { errorCode, storeError } from '../../../src/stores/postgres/errors.js';

const context = { location: 'postgres:persona_pools/global', table: 'persona_pools', lockWaitMs: 50, fallback: 'WRITE_FAILED' } as const;
const secret = 'postgres://ann:hunter2@db.example/app';

describe('storeError', () => {
  it.each([
    ['28P01', 'STORE_UNAVAILABLE', 'PGPASSWORD'],
    ['3D000', 'STORE_UNAVAILABLE', 'PGDATABASE'],
    ['42P01', 'STORE_UNAVAILABLE', 'setup()'],
    ['ECONNREFUSED', 'STORE_UNAVAILABLE', 'PGHOST'],
    ['08006', 'STORE_UNAVAILABLE', 'PGHOST'],
    ['57P01', 'STORE_UNAVAILABLE', 'PGHOST'],
    ['55P03', 'LOCKED', '50 ms'],
    ['42501', 'WRITE_FAILED', '42501'],
  ])('code %s is %s, its message says %s and holds no secret', (code, expected, hint) => {
    const error = Object.assign(new Error(`failed for ${secret}`), { code });
    const typed = storeError(error, context);
    expect(typed).toMatchObject({ code: expected, message: expect.stringContaining(hint) });
    expect(typed.message).not.toContain('hunter2');
    expect(typed.cause).toBeUndefined();
  });

  it('names errors without a usable code by what they are, never by their message', () => {
    expect(errorCode(new Error(`Connection terminated unexpectedly ${secret}`))).toBe('connection');
    expect(errorCode(new TypeError(`Invalid URL ${secret}`))).toBe('unknown');
    expect(errorCode(Object.assign(new Error('x'), { code: `bad code ${secret}` }))).toBe('unknown');
    expect(errorCode(null)).toBe('unknown');
    expect(storeError('boom', { ...context, fallback: 'STORE_UNAVAILABLE' })).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(storeError(new TypeError(`Invalid URL ${secret}`), { ...context, fallback: 'STORE_UNAVAILABLE' }).message).toContain('could not be read');
    const own = new PersonaPoolError('VERSION_MISMATCH', 'x');
    expect(storeError(own, context)).toBe(own);
  });
});
