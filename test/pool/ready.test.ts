// Watch mode vouches from the first awaited read (issue 24), on any store whose watch has `ready()`:
// a store without readSync, whose watch comes up (or fails to) some time after it starts.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { join } from 'node:path';
import { fileStore, PersonaPool } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/store.js';
import type { PersonaStore, StoreWatch } from '../../src/stores/types.js';
import { persona, tempDir } from '../helpers/common.js';

const timers: NodeJS.Timeout[] = [];
afterEach(() => timers.splice(0).forEach(clearTimeout));

/**
 * A memory store with no readSync whose watches connect after `connectMs` (when `connects`), as a
 * remote watch does; `ready()` resolves once connected or once the attempt failed.
 */
function slowWatchStore(connectMs: number, connects: boolean, withReady = true): PersonaStore & { readonly readies: number } {
  const inner = memoryStore({ content: JSON.stringify([persona(1), persona(2)]) });
  let readies = 0;
  return {
    get location() {
      return inner.location;
    },
    get readies() {
      return readies;
    },
    read: (since, options) => Promise.resolve(inner.read(since as number | undefined, options)),
    replace: (since, change, options) => inner.replace(since as number | undefined, change, options),
    history: () => inner.history(),
    readVersion: (version) => inner.readVersion(version),
    watch(listener): StoreWatch {
      let healthy = false;
      const attempt = new Promise<void>((resolve) => {
        timers.push(
          setTimeout(() => {
            healthy = connects;
            if (connects) listener.changed();
            resolve();
          }, connectMs),
        );
      });
      const watch: StoreWatch = {
        get healthy() {
          return healthy;
        },
        close: () => undefined,
      };
      return withReady ? Object.assign(watch, { ready: () => ((readies++, attempt)) }) : watch;
    },
  };
}

describe('watch mode and ready()', () => {
  it('an awaited load() waits for the watch to vouch, so loadSync() answers from memory right after', async () => {
    const store = slowWatchStore(50, true);
    const pool = new PersonaPool({ store, watch: true });
    expect(pool.watching).toBe(false);
    expect(await pool.load()).toHaveLength(2);
    expect(store.readies).toBe(1);
    expect(pool.watching).toBe(true);
    expect(pool.loadSync()).toHaveLength(2);
    expect(pool.snapshotSync().personas).toHaveLength(2);
    expect(await pool.load()).toHaveLength(2); // vouched for: no wait, no read
    expect(store.readies).toBe(1);
    await pool.close();
  });

  it('snapshot() waits as load() does', async () => {
    const pool = new PersonaPool({ store: slowWatchStore(50, true), watch: true });
    expect((await pool.snapshot()).personas).toHaveLength(2);
    expect(pool.snapshotSync().personas).toHaveLength(2);
    await pool.close();
  });

  it('a watch whose attempt fails: the read answers after it, and sync reads still say SYNC_UNSUPPORTED', async () => {
    const pool = new PersonaPool({ store: slowWatchStore(30, false), watch: true });
    expect(await pool.load()).toHaveLength(2);
    expect(() => pool.loadSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' }));
    await pool.close();
  });

  it('without watch mode, or on a watch without ready(), a read does not wait', async () => {
    const plain = slowWatchStore(10_000, true);
    const stat = new PersonaPool({ store: plain });
    expect(await stat.load()).toHaveLength(2);
    expect(plain.readies).toBe(0);
    const watched = new PersonaPool({ store: slowWatchStore(10_000, true, false), watch: true });
    expect(await watched.load()).toHaveLength(2);
    expect(() => watched.loadSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' }));
    await watched.close();
  });

  it('the file watch is up once watch() returns: ready() resolves at once, healthy', async () => {
    const dir = tempDir();
    const store = fileStore({ path: join(dir, 'personas.json') });
    expect(store.watch).toBeTypeOf('function');
    const watch = (store as Required<Pick<PersonaStore, 'watch'>>).watch({ changed: () => undefined, failed: () => undefined });
    expect(watch.healthy).toBe(true);
    await expect(watch.ready?.()).resolves.toBeUndefined();
    watch.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
