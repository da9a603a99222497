// `by` in the PostgreSQL store: setup() adds the written_by column to a history table made before it
// existed, older rows list without `by`, and new writes keep it. A real server, no mock of pg.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { fileDatabase } from '../../helpers/postgres.js';

const postgres = fileDatabase();
let client: pg.Pool;
beforeAll(async () => {
  client = new pg.Pool({ ...postgres.config, max: 4, connectionTimeoutMillis: 5000 });
});
afterAll(async () => {
  await client?.end();
});

const entries = (tag: string) => [{ name: `Ann ${tag}`, email: `ann.${tag}@corp.example`, role: 'CFO' }];

describe('postgresStore by', () => {
  it('setup() adds written_by to tables made without it; older rows have no by, new writes keep it', async () => {
    // The tables as an earlier release made them, with one version kept.
    await client.query(`CREATE TABLE legacy (name text PRIMARY KEY, content bytea NOT NULL, version text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
    await client.query(`CREATE TABLE legacy_history (id bigserial PRIMARY KEY, name text NOT NULL, version text NOT NULL, count integer NOT NULL, content bytea NOT NULL, saved_at timestamptz NOT NULL)`);
    await client.query(`INSERT INTO legacy_history (name, version, count, content, saved_at) VALUES ('g', 'oldversion', 0, convert_to('[]', 'UTF8'), now())`);
    const store = postgresStore({ client, name: 'g', table: 'legacy' });
    await store.setup();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'legacy_history' AND column_name = 'written_by'");
    expect(rows[0]).toEqual({ n: 1 });
    await store.setup(); // idempotent, and now only checks

    const pool = new PersonaPool({ store });
    const first = await pool.replace(entries('one'));
    await pool.replace(entries('two'), { by: 'ann@corp.example' });
    const history = await pool.history();
    expect(history.map(({ version, by }) => [version, by])).toEqual([[first.version, 'ann@corp.example'], ['oldversion', undefined]]);
    expect(history[1]).not.toHaveProperty('by');
  });
});
