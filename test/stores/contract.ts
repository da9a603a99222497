// The store contract: one suite every PersonaStore must pass, parameterised by a factory (the
// pattern of unstorage's testDriver). A third-party store runs it by copying this file into its own
// tests, changing the one import of '../../src/index.js' to 'persona-pool', and calling testStore
// with its factory (see docs/stores.md). It uses only vitest and the package's public API.
import { afterEach, describe, expect, it } from 'vitest';
import { isPersonaPoolError, parsePersonas, PersonaPool, versionOf } from '../../src/index.js';
import type { PersonaStore, StoreRead, StoreReplaceOptions } from '../../src/index.js';

/** What the factory makes for each test: a store on a fresh, empty place, and a way to open another on the same place. */
export interface StoreUnderTest {
  /** A store whose pool does not exist yet. */
  readonly store: PersonaStore;
  /** Another store on the same place (another host, another connection): the "outside" writer. */
  readonly twin: () => PersonaStore | Promise<PersonaStore>;
  /** Releases what the test made (temp folders, connections, tables); called after each test. */
  readonly cleanup?: () => void | Promise<void>;
  /**
   * The store keeps only what a pool writes, the canonical JSON of valid personas (the remote store:
   * the API stores its own serialization): the raw writes below are made canonical first, and the
   * bytes that are not JSON are not written.
   */
  readonly canonical?: boolean;
  /** False for a store that lists no history and reads no past version (the remote store, on an API without them). */
  readonly history?: boolean;
}

/** The stores whose raw writes are made canonical first (see {@link StoreUnderTest.canonical}). */
const canonicalStores = new WeakSet<PersonaStore>();

/** The text a store keeps for `text` written raw: itself, or the pool's serialization of its valid personas. */
function kept(store: PersonaStore, text: string): string {
  return canonicalStores.has(store) ? `${JSON.stringify(parsePersonas(text), null, 2)}\n` : text;
}

const LIMITS: StoreReplaceOptions = { maxBytes: 1024 * 1024, historyLimit: 20 };
const UTF8 = new TextEncoder();

function personas(count: number, tag: string): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, n) => ({ name: `Persona ${tag} ${n}`, email: `p${n}.${tag}@corp.example`, role: 'Analyst' }));
}

/** Writes raw bytes through a store, as an outside writer would. */
async function writeRaw(store: PersonaStore, text: string, count = 0): Promise<unknown> {
  const bytes = UTF8.encode(kept(store, text));
  const written = await store.replace(undefined, async () => ({ bytes, count, replacing: null }), LIMITS);
  return written.tag;
}

function text(read: StoreRead): string | undefined {
  return read.kind === 'content' ? Buffer.from(read.bytes).toString('utf8') : undefined;
}

/**
 * Registers the contract suite for one store.
 *
 * @param name - The store's name, in the suite's title.
 * @param make - Makes a fresh place and its store for each test.
 */
export function testStore(name: string, make: () => StoreUnderTest | Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    const made: StoreUnderTest[] = [];
    const fresh = async () => {
      const made1 = await make();
      made.push(made1);
      if (made1.canonical !== true) return made1;
      canonicalStores.add(made1.store);
      const twin = async () => {
        const other = await made1.twin();
        canonicalStores.add(other);
        return other;
      };
      return { ...made1, twin };
    };
    afterEach(async () => {
      for (const under of made.splice(0)) await under.cleanup?.();
    });

    it('reads a new place as missing, with a location, no history and no kept version', async () => {
      const { store } = await fresh();
      const read = await store.read(undefined, LIMITS);
      expect(read.kind).toBe('missing');
      expect(typeof store.location).toBe('string');
      expect(store.location).not.toBe('');
      expect(await store.history()).toEqual([]);
      await expect(store.readVersion('no-such-version', LIMITS)).rejects.toSatisfy((error) => isPersonaPoolError(error, 'UNKNOWN_VERSION'));
      const pool = new PersonaPool({ store });
      expect(await pool.snapshot()).toMatchObject({ personas: [], version: 'absent', problem: null, path: store.location });
    });

    it('gives back the bytes written, exactly, and "unchanged" for the tag it gave', async () => {
      const { store } = await fresh();
      const tag = await writeRaw(store, '[ {"name": "Ann Lee", "email": "ann@corp.example", "role": "CFO"} ]');
      const read = await store.read(undefined, LIMITS);
      expect(text(read)).toBe(kept(store, '[ {"name": "Ann Lee", "email": "ann@corp.example", "role": "CFO"} ]'));
      expect(await store.read(tag, LIMITS)).toEqual({ kind: 'unchanged' });
      if (read.kind === 'content') expect(await store.read(read.tag, LIMITS)).toEqual({ kind: 'unchanged' });
    });

    // A capability a store lacks is skipped, so the report shows it was not proved (the pool's fallbacks are tested above).
    it('readSync, where offered: the content as read() gives it, and "unchanged" for the tag it gave', async (ctx) => {
      const { store } = await fresh();
      if (store.readSync === undefined) return ctx.skip();
      const tag = await writeRaw(store, '[]');
      expect(text(store.readSync(undefined, LIMITS))).toBe('[]');
      expect(store.readSync(tag, LIMITS)).toEqual({ kind: 'unchanged' });
    });

    it('answers a content problem as a value: TOO_LARGE over maxBytes; the pool shows INVALID_JSON for bytes that are not JSON', async () => {
      const { store } = await fresh();
      await writeRaw(store, JSON.stringify(personas(20, 'big')));
      const read = await store.read(undefined, { maxBytes: 10 });
      expect(read).toMatchObject({ kind: 'problem', problem: { code: 'TOO_LARGE' } });
      if (canonicalStores.has(store)) return;
      await writeRaw(store, '{not json');
      const snapshot = await new PersonaPool({ store }).snapshot();
      expect(snapshot.problem?.code).toBe('INVALID_JSON');
      expect(snapshot.version).toBe(versionOf(UTF8.encode('{not json')));
    });

    it('is fresh after an outside change: the old tag is no longer "unchanged", a pool sees the new content', async () => {
      const { store, twin } = await fresh();
      const outside = await twin();
      const pool = new PersonaPool({ store });
      const tag = await writeRaw(store, JSON.stringify(personas(1, 'a')));
      expect(await pool.load()).toHaveLength(1);
      await writeRaw(outside, JSON.stringify(personas(2, 'b')));
      const read = await store.read(tag, LIMITS);
      expect(read.kind).toBe('content');
      expect(await pool.load()).toHaveLength(2);
    });

    it('computes the same version as versionOf(bytes) for what the pool writes, whatever store', async () => {
      const { store } = await fresh();
      const pool = new PersonaPool({ store });
      const { version } = await pool.replace(personas(3, 'v'));
      const read = await store.read(undefined, LIMITS);
      expect(read.kind === 'content' && versionOf(read.bytes)).toBe(version);
      expect((await pool.snapshot()).version).toBe(version);
    });

    it('writes nothing when the change throws, rethrows its error as it is, and stays writable', async () => {
      const { store } = await fresh();
      await writeRaw(store, '[]');
      const mine = new Error('mine');
      await expect(store.replace(undefined, () => Promise.reject(mine), LIMITS)).rejects.toBe(mine);
      expect(text(await store.read(undefined, LIMITS))).toBe(kept(store, '[]'));
      await writeRaw(store, '[ ]');
      expect(text(await store.read(undefined, LIMITS))).toBe(kept(store, '[ ]'));
    });

    it('compare-and-swap: a stale ifMatch gets VERSION_MISMATCH, nothing written', async () => {
      const { store, twin } = await fresh();
      const mine = new PersonaPool({ store });
      const theirs = new PersonaPool({ store: await twin() });
      const { version } = await mine.replace(personas(1, 'first'));
      await theirs.replace(personas(2, 'theirs'), { ifMatch: version });
      await expect(mine.replace(personas(3, 'mine'), { ifMatch: version })).rejects.toSatisfy((error) => isPersonaPoolError(error, 'VERSION_MISMATCH'));
      expect(await theirs.load()).toHaveLength(2);
    });

    it('serializes updates from several stores on one place: each sees the previous one', async () => {
      const { store, twin } = await fresh();
      const pools = [new PersonaPool({ store }), new PersonaPool({ store: await twin() }), new PersonaPool({ store: await twin() })];
      await pools[0]?.replace([]);
      await Promise.all(pools.flatMap((pool, p) => Array.from({ length: 5 }, (_, n) => pool.update((current) => [...current, personas(1, `${p}-${n}`)[0]]))));
      expect(await pools[0]?.load()).toHaveLength(15);
    });

    it('never lets a read see a mix of two writes', async () => {
      const { store, twin } = await fresh();
      const contents = [JSON.stringify(personas(1, 'small')), JSON.stringify(personas(40, 'large'), null, 2)];
      const known = new Set(contents.map((content) => kept(store, content)));
      const writer = await twin();
      let writing = true;
      const writes = (async () => {
        for (let n = 0; n < 40; n++) await writeRaw(writer, contents[n % 2] as string);
        writing = false;
      })();
      let reads = 0;
      while (writing || reads < 5) {
        const read = await store.read(undefined, LIMITS);
        if (read.kind === 'content') expect(known.has(text(read) as string)).toBe(true);
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writes;
    });

    it('keeps what each write replaced: history newest first with counts, readVersion gives its bytes, restore writes it back', async (ctx) => {
      const { store, history: listsHistory } = await fresh();
      if (listsHistory === false) return ctx.skip();
      const pool = new PersonaPool({ store });
      const first = await pool.replace(personas(1, 'one'));
      const second = await pool.replace(personas(2, 'two'));
      await pool.replace(personas(3, 'three'));
      const history = await pool.history();
      expect(history.map(({ version, count }) => ({ version, count }))).toEqual([{ version: second.version, count: 2 }, { version: first.version, count: 1 }]);
      for (const entry of history) expect(Number.isNaN(Date.parse(entry.savedAt))).toBe(false);
      expect(versionOf(await store.readVersion(first.version, LIMITS))).toBe(first.version);
      const restored = await pool.restore(first.version);
      expect(restored.version).toBe(first.version);
      expect((await pool.snapshot()).version).toBe(first.version);
    });

    it('keeps who replaced each version (the by of replace, update and restore); absent when a write names no one', async (ctx) => {
      const { store, history: listsHistory } = await fresh();
      if (listsHistory === false) return ctx.skip();
      const pool = new PersonaPool({ store });
      const first = await pool.replace(personas(1, 'one'));
      const second = await pool.replace(personas(2, 'two'), { by: 'ann@corp.example' });
      const third = await pool.update((current) => [...current, ...personas(1, 'three')], { by: 'Zoë 👩‍💻' });
      await pool.restore(first.version, { by: 'cli:root' });
      await pool.replace(personas(5, 'five'));
      const history = await pool.history();
      expect(history.map(({ version, by }) => [version, by])).toEqual([
        [first.version, undefined],
        [third.version, 'cli:root'],
        [second.version, 'Zoë 👩‍💻'],
        [first.version, 'ann@corp.example'],
      ]);
      expect(history[0]).not.toHaveProperty('by');
      await expect(pool.replace(personas(1, 'x'), { by: 'x'.repeat(65) })).rejects.toSatisfy((error) => isPersonaPoolError(error, 'INVALID_OPTION'));
    });

    it('keeps at most historyLimit versions', async (ctx) => {
      const { store, history: listsHistory } = await fresh();
      if (listsHistory === false) return ctx.skip();
      const pool = new PersonaPool({ store, historyLimit: 1 });
      for (let n = 1; n <= 4; n++) await pool.replace(personas(n, `n${n}`));
      expect(await pool.history()).toHaveLength(1);
    });

    it('tells the subscribers of a pool of a write through another store on the same place', async () => {
      const { store, twin } = await fresh();
      const pool = new PersonaPool({ store });
      const seen: number[] = [];
      const unsubscribe = pool.subscribe((snapshot) => void seen.push(snapshot.personas.length));
      await pool.load();
      await new PersonaPool({ store: await twin() }).replace(personas(4, 'outside'));
      await waitUntil(() => seen.includes(4));
      unsubscribe();
      await pool.close();
    });

    it('watch, where offered: hints after an outside write; close stops it, twice over', async (ctx) => {
      const { store, twin } = await fresh();
      if (store.watch === undefined) return ctx.skip();
      let hints = 0;
      let failed: string | undefined;
      const watch = store.watch({ changed: () => hints++, failed: (reason) => (failed = reason) });
      expect(failed).toBeUndefined();
      expect(watch.healthy).toBe(true);
      const before = hints;
      await writeRaw(await twin(), '[]');
      await waitUntil(() => hints > before);
      watch.close();
      watch.close();
      expect(watch.healthy).toBe(false);
    });

    it('close, where offered: idempotent', async (ctx) => {
      const { store } = await fresh();
      if (store.close === undefined) return ctx.skip();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}

/** Resolves once `predicate()` holds, polling; rejects after 10 s. */
async function waitUntil(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
