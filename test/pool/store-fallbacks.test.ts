// The pool over a store that offers only what it must (no readSync, no watch, no close): the
// documented fallbacks, SYNC_UNSUPPORTED, and polling for subscribers.
import { describe, expect, it } from 'vitest';
import { isPersonaPoolError, memoryStore, PersonaPool } from '../../src/index.js';
import type { PersonaStore } from '../../src/index.js';
import { persona, waitFor } from '../helpers/common.js';
import { testStore } from '../stores/contract.js';

/** A store with only the required methods, over a memory store. */
function minimal(inner = memoryStore()): PersonaStore & { readonly inner: ReturnType<typeof memoryStore> } {
  return {
    inner,
    get location() {
      return inner.location;
    },
    read: async (since, options) => inner.read(since as number | undefined, options),
    replace: (since, change, options) => inner.replace(since as number | undefined, change, options),
    history: () => inner.history(),
    readVersion: (version) => inner.readVersion(version),
  };
}

testStore('minimal (required methods only)', () => {
  const store = minimal();
  return { store, twin: () => minimal(store.inner.twin()) };
});

describe('a pool over a store without readSync or watch', () => {
  it('throws SYNC_UNSUPPORTED from loadSync and snapshotSync; load works', async () => {
    const pool = new PersonaPool({ store: minimal(memoryStore({ content: JSON.stringify([persona(1)]) })) });
    expect(() => pool.loadSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED', status: 500 }));
    expect(() => pool.snapshotSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' }));
    expect(await pool.load()).toHaveLength(1);
  });

  it('in watch mode, does not watch (no watch to vouch), so loadSync stays unsupported', async () => {
    const pool = new PersonaPool({ store: minimal(), watch: true });
    expect(pool.watching).toBe(false);
    await pool.load();
    expect(() => pool.loadSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' }));
    await pool.close();
  });

  it('tells its subscribers of its own writes at once and of others\' by polling', async () => {
    const store = minimal();
    const pool = new PersonaPool({ store });
    const seen: number[] = [];
    pool.subscribe((snapshot) => void seen.push(snapshot.personas.length));
    await pool.replace([persona(1)]);
    expect(seen).toContain(1);
    await new PersonaPool({ store: minimal(store.inner.twin()) }).replace([persona(1), persona(2)]);
    await waitFor(() => seen.includes(2));
    await pool.close();
  });
});

describe('a pool over a store without readSync, watching', () => {
  it('answers loadSync from memory once a snapshot is held', async () => {
    const inner = memoryStore({ content: JSON.stringify([persona(1)]) });
    const store: PersonaStore = { ...minimal(inner), watch: (listener) => inner.watch(listener) };
    const pool = new PersonaPool({ store, watch: true });
    expect(() => pool.loadSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' }));
    await pool.load();
    expect(pool.loadSync()).toHaveLength(1);
    await pool.close();
  });

  it('rejects a store option that is no store', () => {
    expect(() => new PersonaPool({ store: {} as PersonaStore })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(isPersonaPoolError(new Error('x'))).toBe(false);
  });
});

describe('a pool over a store whose watch turns unhealthy without a hint', () => {
  /** A memory store whose watch can be made unhealthy, dropping its hints meanwhile (a lost connection). */
  function flaky(inner = memoryStore()) {
    const state = { healthy: true };
    const store: PersonaStore = {
      get location() {
        return inner.location;
      },
      read: (since, options) => inner.read(since as number | undefined, options),
      readSync: (since, options) => inner.readSync(since as number | undefined, options),
      replace: (since, change, options) => inner.replace(since as number | undefined, change, options),
      history: () => inner.history(),
      readVersion: (version) => inner.readVersion(version),
      watch: (listener) => {
        const watch = inner.watch({ changed: () => state.healthy && listener.changed(), failed: listener.failed });
        return {
          get healthy() {
            return state.healthy && watch.healthy;
          },
          close: () => watch.close(),
        };
      },
    };
    return { store, state, inner };
  }

  it('stops answering from memory at once: a write missed meanwhile is read', async () => {
    const { store, state, inner } = flaky(memoryStore({ content: JSON.stringify([persona(1)]) }));
    const pool = new PersonaPool({ store, watch: true });
    expect(pool.watching).toBe(true);
    expect(await pool.load()).toHaveLength(1);
    expect(pool.loadSync()).toHaveLength(1);
    state.healthy = false; // no hint: the store lost its events and says so only through `healthy`
    await new PersonaPool({ store: inner.twin() }).replace([persona(1), persona(2)]);
    expect(pool.loadSync()).toHaveLength(2);
    expect(await pool.load()).toHaveLength(2);
    await pool.close();
  });
});
