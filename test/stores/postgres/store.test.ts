// The PostgreSQL store against a real server (test/helpers/postgres-server.mjs): no mock of pg.
import createDebug from 'debug';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaPoolError } from '../../../src/errors.js';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { sqlFor } from '../../../src/stores/postgres/sql.js';
import type { StoreRead, StoreWrite } from '../../../src/stores/types.js';
import { versionOf } from '../../../src/version.js';
import { waitFor } from '../../helpers/common.js';
import { startTestServer, type TestServer } from '../../helpers/postgres-server.mjs';

let server: TestServer;
let client: pg.Pool;
beforeAll(async () => {
  server = await startTestServer();
  client = new pg.Pool({ ...server.config, max: 8, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // idle connections ended by a restart
});
afterAll(async () => {
  await client?.end();
  server?.remove();
});

const LIMITS = { maxBytes: 1 << 20, historyLimit: 3 };
const encode = (text: string) => new TextEncoder().encode(text);
const writeOf = (text: string, replacing: StoreWrite['replacing'] = null): StoreWrite => {
  const bytes = encode(text);
  return { bytes, count: (JSON.parse(text) as unknown[]).length, replacing };
};
const list = (n: number) => `${JSON.stringify(Array.from({ length: n }, (_, i) => ({ name: `P ${i}`, email: `p${i}@corp.example`, role: 'R' })), null, 2)}\n`;

async function store(name: string, extra: Record<string, unknown> = {}) {
  const made = postgresStore({ client, name, ...extra });
  await made.setup();
  return made;
}

describe('postgresStore', () => {
  it('checks its options: an invalid table name, a missing client or name is INVALID_OPTION', () => {
    for (const table of ['Persona', 'a;drop table x', 'x"y', '', 'a.b.c', 'a'.repeat(51)]) {
      expect(() => postgresStore({ client, name: 'g', table })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => postgresStore({ client: {} as never, name: 'g' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => postgresStore({ client, name: '' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => postgresStore({ client, name: 'g', lockWaitMs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(postgresStore({ client, name: 'topology:7', table: 'app_pools' }).location).toBe('postgres:app_pools/topology:7');
  });

  it('sets up its tables idempotently, several hosts at once', async () => {
    const stores = Array.from({ length: 4 }, () => postgresStore({ client, name: 'g', table: 'setup_race' }));
    await Promise.all(stores.map((each) => each.setup()));
    await stores[0]?.setup();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'setup_race%'");
    expect(rows[0]).toEqual({ n: 2 });
  });

  it('reads missing, then content, then unchanged with one query; keeps names apart', async () => {
    const a = await store('topology:1');
    const b = await store('topology:2');
    expect(await a.read(undefined, LIMITS)).toEqual({ kind: 'missing', tag: null });
    expect(await a.read(null, LIMITS)).toEqual({ kind: 'unchanged' });
    const written = await a.replace(null, async (current) => (expect(current.kind).toBe('unchanged'), writeOf(list(2))), LIMITS);
    const version = versionOf(encode(list(2)));
    expect(written).toEqual({ location: a.location, tag: version });
    const read = (await a.read(null, LIMITS)) as Extract<StoreRead, { kind: 'content' }>;
    expect(read.kind).toBe('content');
    expect(new TextDecoder().decode(read.bytes)).toBe(list(2));
    expect(versionOf(read.bytes)).toBe(version);
    expect(await a.read(version, LIMITS)).toEqual({ kind: 'unchanged' });
    expect((await b.read(undefined, LIMITS)).kind).toBe('missing');
    expect((await a.read(undefined, { maxBytes: 10 })).kind).toBe('problem');
    const { rows } = await client.query("SELECT jsonb_array_length(convert_from(content, 'UTF8')::jsonb) AS n FROM persona_pools WHERE name = 'topology:1'");
    expect(rows[0]).toEqual({ n: 2 });
  });

  it('keeps any bytes exactly: a BOM, invalid UTF-8, a NUL, text that is not JSON', async () => {
    const s = await store('exact');
    for (const bytes of [encode('\uFEFF[]\n'), Uint8Array.of(0x5b, 0xff, 0xfe, 0x5d), Uint8Array.of(0x5b, 0, 0x5d), encode('{not json ✓')]) {
      await s.replace(undefined, async () => ({ bytes, count: 0, replacing: null }), LIMITS);
      const read = await s.read(undefined, LIMITS);
      expect(read.kind === 'content' && [...read.bytes]).toEqual([...bytes]);
    }
  });

  it('keeps the replaced versions in the history, pruned to the limit, and reads them back exactly', async () => {
    const s = await store('history');
    let since: string | null = null;
    for (let n = 1; n <= 5; n++) {
      since = (await s.replace(since, async (current) => writeOf(list(n), current.kind === 'missing' ? null : { version: versionOf(encode(list(n - 1))), count: n - 1 }), LIMITS)).tag;
    }
    const history = await s.history();
    expect(history.map((entry) => entry.count)).toEqual([4, 3, 2]);
    expect(history[0]?.version).toBe(versionOf(encode(list(4))));
    expect(new TextDecoder().decode(await s.readVersion(versionOf(encode(list(3))), LIMITS))).toBe(list(3));
    await expect(s.readVersion('nope', LIMITS)).rejects.toMatchObject({ code: 'UNKNOWN_VERSION', status: 404 });
  });

  it('writes nothing when change throws, and rethrows its error as it is', async () => {
    const s = await store('refused');
    const mine = new Error('mine');
    await expect(s.replace(undefined, () => Promise.reject(mine), LIMITS)).rejects.toBe(mine);
    await expect(s.replace(undefined, () => Promise.reject(new PersonaPoolError('VERSION_MISMATCH', 'x')), LIMITS)).rejects.toMatchObject({ code: 'VERSION_MISMATCH' });
    expect((await s.read(undefined, LIMITS)).kind).toBe('missing');
  });

  it('serializes writers on the row lock: each change sees the previous write; a lock held past lockWaitMs is LOCKED', async () => {
    const s = await store('counter');
    await Promise.all(Array.from({ length: 6 }, () => s.replace(undefined, async (current) => {
      const n = current.kind === 'content' ? (JSON.parse(new TextDecoder().decode(current.bytes)) as unknown[]).length : 0;
      return writeOf(list(n + 1));
    }, LIMITS)));
    const read = (await s.read(undefined, LIMITS)) as Extract<StoreRead, { kind: 'content' }>;
    expect((JSON.parse(new TextDecoder().decode(read.bytes)) as unknown[]).length).toBe(6);
    const hasty = postgresStore({ client, name: 'counter', lockWaitMs: 50 });
    let release: () => void = () => undefined;
    const held = s.replace(undefined, () => new Promise<StoreWrite>((resolve) => (release = () => resolve(writeOf(list(1))))), LIMITS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(hasty.replace(undefined, async () => writeOf(list(2)), LIMITS)).rejects.toMatchObject({ code: 'LOCKED', status: 503 });
    release();
    await held;
  });

  it('a table that does not exist is STORE_UNAVAILABLE, saying to run setup()', async () => {
    const s = postgresStore({ client, name: 'g', table: 'never_set_up' });
    await expect(s.read(undefined, LIMITS)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('setup()') });
    await expect(s.replace(undefined, async () => writeOf(list(1)), LIMITS)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await s.history()).toEqual([]);
  });

  it('the watch tells of writes from another pg.Pool, and after pg_terminate_backend is unhealthy until it listens again', async () => {
    const other = new pg.Pool({ ...server.config, max: 2 });
    const writer = postgresStore({ client: other, name: 'watched' });
    const s = await store('watched', { reconnectMs: 50 });
    let told = 0;
    const watch = s.watch({ changed: () => void told++, failed: () => undefined });
    await waitFor(() => watch.healthy);
    const before = told;
    await writer.replace(undefined, async () => writeOf(list(1)), LIMITS);
    await waitFor(() => told > before);
    const { rows } = await client.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
    expect(rows.length).toBe(1);
    await client.query('SELECT pg_terminate_backend($1)', [(rows[0] as { pid: number }).pid]);
    await waitFor(() => !watch.healthy);
    const lost = told;
    await waitFor(() => watch.healthy);
    expect(told).toBeGreaterThan(lost); // listening again: the pool is told to read again
    watch.close();
    await s.close();
    expect(watch.healthy).toBe(false);
    await other.end();
  });

  it('a store closed before its watch connects gives the connection back and never vouches', async () => {
    const s = postgresStore({ client, name: 'closed-early' });
    const watch = s.watch({ changed: () => undefined, failed: () => undefined });
    await s.close();
    watch.close();
    watch.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(watch.healthy).toBe(false);
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND state = 'idle'");
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('a wrong password is STORE_UNAVAILABLE, without the password in any message or debug line', async () => {
    const password = 'Sup3r-secret-word';
    const wrong = new pg.Pool({ ...server.config, password });
    const s = postgresStore({ client: wrong, name: 'g' });
    const lines: string[] = [];
    const saved = createDebug.log;
    createDebug.enable('persona-pool:*');
    createDebug.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    try {
      const errors = await Promise.all([s.read(undefined, LIMITS), s.replace(undefined, async () => writeOf(list(1)), LIMITS), s.setup()].map((p) => p.then(() => undefined, (error: unknown) => error)));
      for (const error of errors) {
        expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, message: expect.stringContaining('PGPASSWORD') });
        expect(JSON.stringify(error)).not.toContain(password);
        expect(String((error as Error).message)).not.toContain(password);
        expect((error as Error).cause).toBeUndefined();
      }
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).not.toContain(password);
    } finally {
      createDebug.disable();
      createDebug.log = saved;
      await wrong.end();
    }
  });

  it('a server stopped: typed errors, the watch unhealthy; restarted: reads, writes and the watch recover', async () => {
    const s = await store('restart', { reconnectMs: 50 });
    await s.replace(undefined, async () => writeOf(list(1)), LIMITS);
    const watch = s.watch({ changed: () => undefined, failed: () => undefined });
    await waitFor(() => watch.healthy);
    server.stop();
    try {
      // On a pg.Pool of its own (on `client`, it would join the LISTEN connection already held).
      const own = new pg.Pool({ ...server.config, max: 1 });
      const early = postgresStore({ client: own, name: 'other', reconnectMs: 50 });
      await expect(early.listen()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await early.close(); // it stops trying
      await own.end();
      await expect(s.read(undefined, LIMITS)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
      await expect(s.replace(undefined, async () => writeOf(list(2)), LIMITS)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(s.readVersion('x', LIMITS)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await waitFor(() => !watch.healthy);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the watch tries again, and fails, while down
      expect(watch.healthy).toBe(false);
    } finally {
      server.start();
    }
    await waitFor(() => watch.healthy);
    await s.replace(undefined, async () => writeOf(list(3)), LIMITS);
    expect((await s.read(versionOf(encode(list(3))), LIMITS)).kind).toBe('unchanged');
    watch.close();
    await s.close();
  });

  it('gives the SQL of setup for those who run migrations, with the table given', () => {
    expect(sqlFor('app.pools').setup.join('\n')).toContain('CREATE TABLE IF NOT EXISTS app.pools_history');
    expect(sqlFor('app.pools').channel).toBe('pools');
  });
});
