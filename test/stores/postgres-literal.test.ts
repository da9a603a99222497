// A replace locks and reads its row in the round trip of BEGIN, its values sent as literals: names
// and versions that a literal could get wrong (quotes, backslashes, `$1`) must still find their row.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../src/index.js';
import { literal } from '../../src/stores/postgres/literal.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { startTestServer, type TestServer } from './postgres-server.mjs';

let server: TestServer;
let client: pg.Pool;
beforeAll(async () => {
  server = await startTestServer();
  client = new pg.Pool({ ...server.config, max: 4 });
  await postgresStore({ client, name: 'setup' }).setup();
});
afterAll(async () => {
  await client?.end();
  server?.remove();
});

const TRICKY = ["it's", 'back\\slash', "\\' OR '1'='1", 'dollar $1 $2 $$ $3', 'ünï "quoted"'];

describe('the literals of a replace', () => {
  it('read back as the same strings from PostgreSQL', async () => {
    for (const value of TRICKY) {
      for (const conforming of ['on', 'off']) {
        const connection = await client.connect();
        try {
          await connection.query(`SET standard_conforming_strings = ${conforming}`);
          const { rows } = await connection.query(`SELECT ${literal(value)}::text AS value`);
          expect(rows[0]).toEqual({ value });
        } finally {
          await connection.query('RESET standard_conforming_strings');
          connection.release();
        }
      }
    }
  });

  it('find the row of a pool with any name: each write replaces the one before and keeps it in the history', async () => {
    for (const name of TRICKY) {
      const pool = new PersonaPool({ store: postgresStore({ client, name }) });
      const first = await pool.replace([{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' }]);
      const second = await pool.replace([{ name: 'Bob Roe', email: 'bob@corp.example', role: 'CTO' }]);
      const other = new PersonaPool({ store: postgresStore({ client, name }) });
      expect((await other.snapshot()).version).toBe(second.version);
      expect((await other.history()).map((entry) => entry.version)).toEqual([first.version]);
      await pool.close();
      await other.close();
    }
    const { rows } = await client.query('SELECT name FROM persona_pools ORDER BY name');
    expect(rows.map((row: { name: string }) => row.name).sort()).toEqual([...TRICKY].sort());
  });
});
