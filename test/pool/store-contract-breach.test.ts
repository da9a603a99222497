// A store that breaks the PersonaStore contract is found by the pool, and the same breach gives the
// same code wherever it is found: STORE_CONTRACT (500), nothing written, nothing cached.
import { describe, expect, it } from 'vitest';
import { memoryStore, PersonaPool, PersonaPoolError } from '../../src/index.js';
import type { PersonaStore } from '../../src/index.js';
import { failure, persona } from '../helpers/common.js';

/** A store that forwards to a memory store, but for the methods given. */
function broken(inner: PersonaStore<number>, override: Partial<PersonaStore<number>>): PersonaStore<number> {
  return {
    location: inner.location,
    read: (since, options) => inner.read(since, options),
    replace: (since, change, options) => inner.replace(since, change, options),
    history: () => inner.history(),
    readVersion: (version, options) => inner.readVersion(version, options),
    ...override,
  };
}

describe('a store that breaks the contract', () => {
  it('answers "unchanged" to a first read: STORE_CONTRACT, on the read and on the write that reads under the lock', async () => {
    const inner = memoryStore();
    const store = broken(inner, {
      read: () => ({ kind: 'unchanged' }),
      replace: (_since, change, options) => inner.replace(undefined, () => change({ kind: 'unchanged' }), options),
    });
    const pool = new PersonaPool({ store: store as PersonaStore });
    const read = await failure(pool.snapshot());
    expect(read).toBeInstanceOf(PersonaPoolError);
    expect([read.code, read.status]).toEqual(['STORE_CONTRACT', 500]);
    expect(read.message).toContain('answered "unchanged" to a first read');
    expect((await failure(pool.replace([persona(1)]))).code).toBe('STORE_CONTRACT');
    expect(await inner.history()).toEqual([]);
  });

  it('writes without calling change: STORE_CONTRACT, and the pool caches nothing of it', async () => {
    const inner = memoryStore();
    const store = broken(inner, { replace: async () => ({ location: inner.location, tag: 1 }) });
    const pool = new PersonaPool({ store: store as PersonaStore });
    const error = await failure(pool.replace([persona(1)]));
    expect([error.code, error.status]).toEqual(['STORE_CONTRACT', 500]);
    expect(error.message).toContain('wrote without asking the pool what');
    expect(await pool.load()).toEqual([]);
  });
});
