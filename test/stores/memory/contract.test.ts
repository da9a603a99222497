import { describe, expect, it } from 'vitest';
import { isPersonaPoolError, memoryStore, PersonaPool } from '../../../src/index.js';
import { persona } from '../../helpers/common.js';
import { testStore } from '../contract.js';

testStore('memory', () => {
  const store = memoryStore();
  return { store, twin: () => store.twin() };
});

describe('memoryStore', () => {
  it('starts with the content given, named in its location', async () => {
    const pool = new PersonaPool({ store: memoryStore({ name: 'global', content: JSON.stringify([persona(1)]) }) });
    expect(await pool.snapshot()).toMatchObject({ path: 'memory:global', personas: [{ email: 'persona1@corp.example' }] });
    expect(pool.loadSync()).toHaveLength(1);
  });

  it('serves a watching pool from memory, and tells it of a twin\'s write', async () => {
    const store = memoryStore({ content: '[]' });
    const pool = new PersonaPool({ store, watch: true });
    expect(pool.watching).toBe(true);
    await pool.load();
    await new PersonaPool({ store: store.twin() }).replace([persona(2)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await pool.load()).toHaveLength(1);
    await pool.close();
  });

  it('refuses every call once closed, with STORE_UNAVAILABLE', async () => {
    const store = memoryStore();
    await store.close();
    expect(() => store.readSync(undefined, { maxBytes: 10 })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
    await expect(store.history()).rejects.toSatisfy((error) => isPersonaPoolError(error, 'STORE_UNAVAILABLE'));
  });
});
