// PersonaPool on the PostgreSQL store, real server, real processes: hosts sharing a named pool,
// compare-and-swap across processes, no torn read under load, and freshness through lost LISTEN
// connections. The child processes use the built dist/ (npm run build).
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { FIXTURES, persona, runNode, waitFor } from '../../helpers/common.js';
import { startTestServer, type TestServer } from '../../helpers/postgres-server.mjs';

let server: TestServer;
let config: string;
const clients: pg.Pool[] = [];
function pgPool(max = 4): pg.Pool {
  const made = new pg.Pool({ ...server.config, max });
  made.on('error', () => undefined);
  clients.push(made);
  return made;
}
beforeAll(async () => {
  server = await startTestServer();
  config = JSON.stringify(server.config);
  await postgresStore({ client: pgPool(), name: 'setup' }).setup();
});
afterAll(async () => {
  for (const client of clients) await client.end();
  server?.remove();
});

/** Resolves once `predicate()` resolves true, polling; rejects after 10 s. */
async function eventually(predicate: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A child that prints `ready`, then waits for a line on stdin. */
function held(script: string, args: readonly string[]) {
  const child = spawn(process.execPath, [FIXTURES + script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready\n') && resolve()));
  const done = new Promise<string>((resolve) => child.on('close', () => resolve(out.slice(out.indexOf('ready\n') + 6))));
  return { child, ready, done };
}

describe('PersonaPool on PostgreSQL', () => {
  it('two hosts (separate pg.Pools) share a named pool: writes seen by both, in default and watch mode; sync reads need a held watch', async () => {
    const a = new PersonaPool({ store: postgresStore({ client: pgPool(), name: 'shared' }) });
    const storeB = postgresStore({ client: pgPool(), name: 'shared' });
    await storeB.listen();
    const b = new PersonaPool({ store: storeB, watch: true });
    expect(await b.load()).toEqual([]);
    expect(() => a.loadSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' }));
    const written = await a.replace([persona(1), persona(2)]);
    expect(written.path).toBe('postgres:persona_pools/shared');
    await waitFor(() => b.loadSync().length === 2);
    expect((await b.snapshot()).version).toBe(written.version);
    await b.replace([persona(3)], { ifMatch: written.version });
    expect((await a.load()).map((p) => p.email)).toEqual(['persona3@corp.example']);
    await expect(a.replace([persona(4)], { ifMatch: written.version })).rejects.toMatchObject({ code: 'VERSION_MISMATCH', status: 412 });
    expect((await a.history()).map((entry) => [entry.version, entry.count])).toEqual([[written.version, 2]]);
    await a.restore(written.version);
    // b learns of another host's write by NOTIFY, which may still be on its way: eventually, not at once.
    await eventually(async () => (await b.snapshot()).version === written.version);
    const other = await runNode(`${FIXTURES}pg-writer.mjs`, [config, 'shared', 'child', '1', '5']);
    expect(other.stdout).toBe('done');
    await waitFor(() => b.loadSync().length === 5);
    expect((await a.load()).every((p) => p.role === 'child-0')).toBe(true);
    await b.close();
    await storeB.close();
  });

  it('concurrent replaces with the same ifMatch from several processes: exactly one wins, the others get 412', async () => {
    const pool = new PersonaPool({ store: postgresStore({ client: pgPool(), name: 'cas' }) });
    const { version } = await pool.replace([persona(0)]);
    const children = Array.from({ length: 5 }, (_, i) => held('pg-replace.mjs', [config, 'cas', version, JSON.stringify([persona(100 + i)])]));
    await Promise.all(children.map((each) => each.ready));
    for (const { child } of children) child.stdin.end('go\n');
    const results = (await Promise.all(children.map((each) => each.done))).map((out) => JSON.parse(out) as { ok: boolean; code?: string; status?: number });
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual(Array.from({ length: 4 }, () => ({ ok: false, code: 'VERSION_MISMATCH', status: 412 })));
  });

  it('4 writer processes × 100 replaces and 2 reader processes: no torn or mixed read', async () => {
    const readers = [held('pg-reader.mjs', [config, 'load', '0']), held('pg-reader.mjs', [config, 'load', '1'])];
    await Promise.all(readers.map((each) => each.ready));
    const writers = await Promise.all([1, 2, 3, 4].map((id) => runNode(`${FIXTURES}pg-writer.mjs`, [config, 'load', `w${id}`, '100', '8'])));
    expect(writers.map((writer) => writer.stdout)).toEqual(['done', 'done', 'done', 'done']);
    for (const { child } of readers) child.stdin.end();
    const outcomes = (await Promise.all(readers.map((each) => each.done))).map((out) => JSON.parse(out) as { reads: number; mixed: number; versions: number });
    for (const outcome of outcomes) {
      expect(outcome.mixed).toBe(0);
      expect(outcome.reads).toBeGreaterThan(10);
      expect(outcome.versions).toBeGreaterThan(2); // they did see the writes go by
    }
    const final = await new PersonaPool({ store: postgresStore({ client: pgPool(), name: 'load' }) }).load();
    expect(final.map((p) => p.role)).toEqual(Array.from({ length: 8 }, () => final[0]?.role));
    expect(final[0]?.role).toMatch(/^w[1-4]-99$/);
  });

  it('the LISTEN connection killed mid-run: the pool stops answering from memory, the next awaited read listens again and is fresh', async () => {
    // reconnectMs far away: only the awaited read brings the watch back.
    const store = postgresStore({ client: pgPool(), name: 'killed', reconnectMs: 600_000 });
    await store.listen();
    const pool = new PersonaPool({ store, watch: true });
    const writer = new PersonaPool({ store: postgresStore({ client: pgPool(), name: 'killed' }) });
    await writer.replace([persona(1)]);
    await eventually(async () => (await pool.load()).length === 1);
    expect(pool.watching).toBe(true);
    const admin = pgPool(1);
    const killed = new Set<number>();
    for (let n = 2; n <= 4; n++) {
      const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
      const pids = (rows as { pid: number }[]).map((row) => row.pid).filter((pid) => !killed.has(pid));
      expect(pids).toHaveLength(1);
      killed.add(pids[0] ?? 0);
      await admin.query('SELECT pg_terminate_backend($1)', [pids[0]]);
      await waitFor(() => !pool.watching);
      expect(() => pool.snapshotSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' })); // nothing vouched for
      // Written while lost: no notification can reach the pool, yet the next read is fresh.
      const { version } = await writer.replace(Array.from({ length: n }, (_, i) => persona(i)));
      expect((await pool.snapshot()).version).toBe(version);
      expect(pool.watching).toBe(true);
      expect(pool.snapshotSync().version).toBe(version);
    }
    const { version } = await writer.replace([persona(9)]);
    await eventually(async () => (await pool.load())[0]?.email === 'persona9@corp.example');
    expect(pool.snapshotSync().version).toBe(version); // answered from memory: the watch vouches again
    await pool.close();
    await store.close();
  });

  it('the server stopped and restarted: typed errors while down, recovery after, no crash', async () => {
    const store = postgresStore({ client: pgPool(), name: 'down', reconnectMs: 100 });
    await store.listen();
    const pool = new PersonaPool({ store, watch: true });
    const plain = new PersonaPool({ store: postgresStore({ client: pgPool(), name: 'down' }) });
    await plain.replace([persona(1)]);
    server.stop();
    try {
      await waitFor(() => !pool.watching);
      await expect(plain.load()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
      await expect(pool.snapshot()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(plain.replace([persona(2)])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      server.start();
    }
    const { version } = await plain.replace([persona(3)]);
    expect((await pool.snapshot()).version).toBe(version);
    await waitFor(() => pool.watching);
    await pool.close();
    await store.close();
  });
});
