// One error class everywhere (issue 22 §2): what a caller gets wrong in an argument is a
// PersonaPoolError INVALID_OPTION (500) that says what to pass, never a TypeError from deep inside.
import { describe, expect, it } from 'vitest';
import { fileStore, memoryStore, PersonaPool, versionOf } from '../src/index.js';
import { postgresStore } from '../src/stores/postgres/index.js';
import { remoteStore } from '../src/stores/remote/index.js';

const INVALID = { name: 'PersonaPoolError', code: 'INVALID_OPTION', status: 500 };

/** Calls `make` with a value TypeScript would refuse, as a JavaScript caller may. */
function loosely<T>(make: (value: never) => T, value: unknown): () => T {
  return () => make(value as never);
}

describe('a malformed argument is INVALID_OPTION', () => {
  it('new PersonaPool with options that are not an object', () => {
    for (const options of [null, 5, 'personas.json', [{ path: 'x' }]]) {
      expect(loosely((value) => new PersonaPool(value), options)).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('PersonaPool takes an object of options') }));
    }
  });

  it('fileStore with options that are not an object, or a path that is not a non-empty string', () => {
    expect(loosely(fileStore, null)).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('fileStore takes an object of options, got null') }));
    expect(loosely(fileStore, { path: 5 })).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('fileStore option path') }));
    expect(loosely(fileStore, { path: '' })).toThrow(expect.objectContaining(INVALID));
    expect(fileStore({ path: '/tmp/persona-pool-never-written.json' }).location).toBe('/tmp/persona-pool-never-written.json');
  });

  it('memoryStore with options that are not an object, a name that is not text, content that is neither text nor bytes', () => {
    expect(loosely(memoryStore, null)).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('memoryStore takes an object of options') }));
    expect(loosely(memoryStore, { name: '' })).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('option name') }));
    expect(loosely(memoryStore, { content: 5 })).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('option content must be text or bytes') }));
    expect(memoryStore({ name: 'a', content: new Uint8Array([91, 93]) }).location).toBe('memory:a');
  });

  it('postgresStore and remoteStore with options that are not an object', () => {
    expect(loosely(postgresStore, null)).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('postgresStore takes an object of options') }));
    expect(loosely(remoteStore, null)).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('url must be') }));
  });

  it('pool.update with something other than a function, writing nothing', async () => {
    const pool = new PersonaPool({ store: memoryStore() });
    await expect(pool.update([] as never)).rejects.toMatchObject({ ...INVALID, message: expect.stringContaining('use replace()') });
    expect((await pool.snapshot()).version).toBe('absent');
  });

  it('versionOf with something other than bytes', () => {
    for (const value of [undefined, null, '[]\n', [91, 93]]) {
      expect(loosely(versionOf, value)).toThrow(expect.objectContaining({ ...INVALID, message: expect.stringContaining('versionOf takes the content') }));
    }
    expect(versionOf(Buffer.from('[]\n'))).toBe(versionOf(new TextEncoder().encode('[]\n')));
  });
});
