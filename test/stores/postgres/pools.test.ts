// Named pools on PostgreSQL (createPoolsHandler with storeFor and watch): each topology its own row,
// `by` kept, and the LISTEN connections of evicted pools given back. A real server, no mock of pg.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoolsHandler } from '../../../src/index.js';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { fileDatabase } from '../../helpers/postgres.js';

const postgres = fileDatabase();
let client: pg.Pool;
beforeAll(async () => {
  client = new pg.Pool({ ...postgres.config, max: 10, connectionTimeoutMillis: 5000 });
  await postgresStore({ client, name: 'setup' }).setup();
});
afterAll(async () => {
  await client?.end();
});

const ADMIN = { username: 'ann', role: 'admin' };
const listening = async () => {
  const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND datname = current_database()");
  return (rows[0] as { n: number }).n;
};

/** Polls `count` until `ok` holds (at most 10 s). */
async function until(ok: (n: number) => boolean): Promise<number> {
  for (const deadline = Date.now() + 10_000; ; ) {
    const n = await listening();
    if (ok(n) || Date.now() > deadline) return n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('named pools on PostgreSQL', () => {
  it('keeps each topology in its own row with by, and gives back the LISTEN connections of evicted pools', async () => {
    const handle = createPoolsHandler({
      resolve: (id) => (/^\d+$/.test(id) ? { storeName: `topology:${id}`, fields: { topology_id: Number(id) } } : undefined),
      storeFor: (name) => postgresStore({ client, name, reconnectMs: 50 }),
      watch: true,
      maxOpen: 2,
    });
    const put = (id: string, email: string) =>
      handle({ id, method: 'PUT', user: ADMIN, rawBody: Buffer.from(JSON.stringify({ personas: [{ name: 'Ann Lee', email, role: 'CFO' }] })), headers: { 'content-type': 'application/json' } });
    for (const id of ['1', '2', '3']) expect((await put(id, `ann${id}@corp.example`)).status).toBe(200);
    expect((await put('3', 'ann.again@corp.example')).status).toBe(200);
    const { rows } = await client.query("SELECT name FROM persona_pools WHERE name LIKE 'topology:%' ORDER BY name");
    expect(rows.map((row: { name: string }) => row.name)).toEqual(['topology:1', 'topology:2', 'topology:3']);
    const history = await client.query("SELECT written_by FROM persona_pools_history WHERE name = 'topology:3'");
    expect(history.rows).toEqual([{ written_by: 'ann' }]);
    expect(handle.open).toBe(2);
    expect(await until((n) => n >= 1)).toBeGreaterThanOrEqual(1);
    expect(await until((n) => n <= 2)).toBeLessThanOrEqual(2); // pool 1 was evicted: its store closed
    await handle.close();
    expect(await until((n) => n === 0)).toBe(0);
  });
});
