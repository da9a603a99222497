// Watch mode on PostgreSQL vouches from the first awaited read (issue 24): no store.listen() needed,
// at start-up and after the LISTEN connection is killed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { persona, waitFor } from '../../helpers/common.js';
import { fileDatabase } from '../../helpers/postgres.js';

const postgres = fileDatabase();
let client: pg.Pool;
let admin: pg.Pool;
beforeAll(async () => {
  client = new pg.Pool({ ...postgres.config, max: 6, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  admin = new pg.Pool({ ...postgres.config, max: 1 });
  admin.on('error', () => undefined);
  const store = postgresStore({ client, name: 'ready' });
  await store.setup();
  await new PersonaPool({ store }).replace([persona(1), persona(2)]);
});
afterAll(async () => {
  await client?.end();
  await admin?.end();
});

/** The backends now holding a LISTEN. */
async function listeners(): Promise<number[]> {
  const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND state = 'idle' AND datname = current_database()");
  return (rows as { pid: number }[]).map((row) => row.pid);
}

describe('PostgreSQL watch mode from the first awaited read', () => {
  it("30 fresh pools in a row (each a new pg.Pool, as at a worker's start): await load(), then loadSync() at once answers, 30 of 30", async () => {
    let answered = 0;
    for (let i = 0; i < 30; i++) {
      const fresh = new pg.Pool({ ...postgres.config, max: 4, connectionTimeoutMillis: 5000 });
      const store = postgresStore({ client: fresh, name: 'ready' });
      const pool = new PersonaPool({ store, watch: true });
      expect(await pool.load()).toHaveLength(2);
      try {
        if (pool.loadSync().length === 2) answered++;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('SYNC_UNSUPPORTED');
      }
      await pool.close();
      await store.close();
      await fresh.end();
    }
    expect(answered).toBe(30);
  });

  it('after pg_terminate_backend of the LISTEN connection, 30 times: the first awaited read listens again, loadSync() answers', async () => {
    // reconnectMs far away: only the awaited read can bring the watch back in time.
    const store = postgresStore({ client, name: 'ready', reconnectMs: 600_000 });
    const pool = new PersonaPool({ store, watch: true });
    await pool.load();
    expect(pool.loadSync()).toHaveLength(2);
    let answered = 0;
    const killed = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const pids = (await listeners()).filter((pid) => !killed.has(pid));
      expect(pids).toHaveLength(1);
      killed.add(pids[0] ?? 0);
      await admin.query('SELECT pg_terminate_backend($1)', [pids[0]]);
      await waitFor(() => !pool.watching);
      expect(() => pool.loadSync()).toThrow(expect.objectContaining({ code: 'SYNC_UNSUPPORTED' }));
      expect(await pool.load()).toHaveLength(2);
      try {
        if (pool.loadSync().length === 2) answered++;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('SYNC_UNSUPPORTED');
      }
    }
    expect(answered).toBe(30);
    await pool.close();
    await store.close();
  });

  it('a server that cannot be reached: the awaited read does not hang, it rejects STORE_UNAVAILABLE', async () => {
    const down = new pg.Pool({ ...postgres.config, port: 1, connectionTimeoutMillis: 2000 });
    const store = postgresStore({ client: down, name: 'ready', connectTimeoutMs: 1000 });
    const pool = new PersonaPool({ store, watch: true });
    await expect(pool.load()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    await pool.close();
    await store.close();
    await down.end();
  });
});

describe('one LISTEN connection per pg.Pool', () => {
  it('20 stores on one pg.Pool (two tables, 20 names) watching: one LISTEN connection; each pool hears its own changes; the last close gives it back', async () => {
    const shared = new pg.Pool({ ...postgres.config, max: 4, connectionTimeoutMillis: 5000 });
    shared.on('error', () => undefined);
    await postgresStore({ client: shared, name: 'x', table: 'other_pools' }).setup();
    const stores = Array.from({ length: 20 }, (_, i) => postgresStore({ client: shared, name: `topology:${i}`, table: i % 2 === 0 ? 'persona_pools' : 'other_pools' }));
    const pools = stores.map((store) => new PersonaPool({ store, watch: true }));
    for (const pool of pools) expect(await pool.load()).toEqual([]);
    expect(pools.every((pool) => pool.watching)).toBe(true);
    expect(await listeners()).toHaveLength(1);
    // A change from another pg.Pool reaches exactly the pool of that name.
    const writer = new PersonaPool({ store: postgresStore({ client, name: 'topology:7', table: 'other_pools' }) });
    const { version } = await writer.replace([persona(7)]);
    await waitFor(() => pools[7]?.snapshotSync().version === version);
    expect(pools.filter((pool) => pool.loadSync().length > 0)).toHaveLength(1);
    // The shared connection killed: every pool stops vouching, and the next awaited read brings all back.
    const [pid] = await listeners();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(() => pools.every((pool) => !pool.watching));
    await pools[0]?.load();
    await waitFor(() => pools.every((pool) => pool.watching));
    expect((await listeners()).filter((each) => each !== pid)).toHaveLength(1);
    for (const [i, pool] of pools.entries()) {
      await pool.close();
      await stores[i]?.close();
      if (i === 18) expect((await listeners()).filter((each) => each !== pid)).toHaveLength(1);
    }
    // Given back, discarded: its backend ends (pg_stat_activity shows it until it has).
    for (let tries = 0; (await listeners()).length > 0 && tries < 500; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await listeners()).toHaveLength(0);
    await shared.end();
  });
});
