// Rows 14–17: the PostgreSQL store, on a throwaway server (test/helpers/postgres-server.mjs), measured
// against bare pg calls on the same pg.Pool, in the same run. Skipped, with a note, where the machine
// has no PostgreSQL binaries. `node test/bench/postgres.mjs` prints the four rows as JSON.
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PersonaPool } from '../../dist/index.js';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { postgresBin, startTestServer } from '../helpers/postgres-server.mjs';
import { interleave, median } from './measure.mjs';
import { generatePersonas, personasText } from './personas.mjs';

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** Row 14: a default-mode `load()` hit (one query) against `SELECT 1` on the same pg.Pool. */
async function hitRow(client) {
  const pool = new PersonaPool({ store: postgresStore({ client, name: 'bench-hit' }) });
  await pool.replace(generatePersonas(50));
  if ((await pool.load()).length !== 50) throw new Error('row 14 needs 50 valid personas');
  return interleave({ fn: () => pool.load(), async: true }, { fn: () => client.query('SELECT 1'), async: true }, { rounds: 21, warmup: 5, iterations: 200 });
}

/** Row 15: a watch-mode `loadSync()` hit (no query) against `fs.statSync` of a file. */
async function watchRow(client) {
  const store = postgresStore({ client, name: 'bench-watch' });
  await store.listen();
  const pool = new PersonaPool({ store, watch: true });
  await pool.replace(generatePersonas(50));
  await pool.load();
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-'));
  const file = join(dir, 'personas.json');
  fs.writeFileSync(file, personasText(50));
  try {
    if (!pool.watching || pool.loadSync().length !== 50) throw new Error('row 15 needs a watching pool of 50 personas');
    const row = await interleave({ fn: () => pool.loadSync() }, { fn: () => fs.statSync(file) }, { rounds: 41, warmup: 5, iterations: 2000 });
    if (!pool.watching) throw new Error('the pool of row 15 stopped watching while measured');
    return row;
  } finally {
    await pool.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Row 16: `replace()` of 50 personas against one `UPDATE` of the same jsonb in a transaction. */
async function replaceRow(client) {
  const pool = new PersonaPool({ store: postgresStore({ client, name: 'bench-replace' }), historyLimit: 20 });
  const personas = generatePersonas(50);
  await pool.replace(personas);
  const json = JSON.stringify(personas);
  await client.query('CREATE TABLE IF NOT EXISTS bench_bare (name text PRIMARY KEY, personas jsonb NOT NULL)');
  await client.query("INSERT INTO bench_bare VALUES ('bare', $1::jsonb) ON CONFLICT (name) DO NOTHING", [json]);
  const bare = async () => {
    const connection = await client.connect();
    try {
      await connection.query('BEGIN');
      await connection.query("UPDATE bench_bare SET personas = $1::jsonb WHERE name = 'bare'", [json]);
      await connection.query('COMMIT');
    } finally {
      connection.release();
    }
  };
  return interleave({ fn: () => pool.replace(personas), async: true }, { fn: bare, async: true }, { rounds: 15, warmup: 10, iterations: 20 });
}

/** Row 17: a write on one pg.Pool → the subscriber of a watch-mode pool on another told, 200 changes. */
async function propagationRow(config, { changes = 200, warmup = 20 } = {}) {
  const writerClient = new pg.Pool({ ...config, max: 2 });
  const readerClient = new pg.Pool({ ...config, max: 3 });
  const store = postgresStore({ client: readerClient, name: 'bench-propagation' });
  await store.listen();
  const reader = new PersonaPool({ store, watch: true });
  const writer = new PersonaPool({ store: postgresStore({ client: writerClient, name: 'bench-propagation' }) });
  const told = new Map();
  const unsubscribe = reader.subscribe((snapshot) => told.set(snapshot.version, process.hrtime.bigint()));
  const latencies = [];
  try {
    for (let i = 0; i < warmup + changes; i++) {
      const started = process.hrtime.bigint();
      const { version } = await writer.replace(generatePersonas((i % 40) + 1));
      while (!told.has(version)) await new Promise((resolve) => setTimeout(resolve, 0));
      if (i >= warmup) latencies.push(Number(told.get(version) - started));
      told.delete(version);
    }
  } finally {
    unsubscribe();
    await reader.close();
    await store.close();
    await writerClient.end();
    await readerClient.end();
  }
  return { median: median(latencies), p99: percentile(latencies, 99), max: Math.max(...latencies), changes };
}

/**
 * Rows 14–17, or `{ skipped }` for each where there is no PostgreSQL on this machine.
 *
 * @returns By row number, the figures.
 */
export async function postgresRows() {
  if (postgresBin() === undefined) {
    const skipped = { skipped: 'no PostgreSQL binaries (initdb, pg_ctl) on this machine: install the postgresql package' };
    return { 14: skipped, 15: skipped, 16: skipped, 17: skipped };
  }
  const server = await startTestServer();
  const client = new pg.Pool({ ...server.config, max: 4 });
  try {
    await postgresStore({ client, name: 'setup' }).setup();
    return { 14: await hitRow(client), 15: await watchRow(client), 16: await replaceRow(client), 17: await propagationRow(server.config) };
  } finally {
    await client.end();
    server.remove();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(await postgresRows(), null, 2)}\n`);
