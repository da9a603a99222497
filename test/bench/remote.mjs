// Remote rows: (a) a remote pool's loadSync() hit in watch mode against fs.statSync; (b) propagation
// of one replace() made through one API server to N remote pools in worker processes, the API served
// by two server processes on one PostgreSQL pool, all on 127.0.0.1: median, p99, every pool told; the
// API servers' RSS per held request. Run alone: `npm run build && node --expose-gc test/bench/remote.mjs [N...]`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PersonaPool } from '../../dist/index.js';
import { remoteStore } from '../../dist/stores/remote/index.js';
import { startTestServer } from '../helpers/postgres-server.mjs';
import { interleave, median } from './measure.mjs';
import { personasText } from './personas.mjs';

const API = fileURLToPath(new URL('../fixtures/remote-api.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('./remote-worker.mjs', import.meta.url));
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

function child(script, args) {
  const running = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: running.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${script} ended early`);
    return value;
  };
  return { pid: running.pid, next, kill: () => running.kill('SIGKILL') };
}

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** (a): one API server on a pool file; a watching remote pool's loadSync() hit against fs.statSync of that file. */
export async function remoteHitRow() {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-'));
  const file = join(dir, 'personas.json');
  await new PersonaPool({ path: file }).replace(JSON.parse(personasText(50)));
  const api = child(API, ['file', file, '0']);
  try {
    const store = remoteStore({ url: await api.next() });
    await store.listen();
    const pool = new PersonaPool({ store, watch: true });
    await pool.load();
    if (pool.loadSync().length !== 50) throw new Error('the remote hit row needs 50 valid personas');
    const row = await interleave({ fn: () => pool.loadSync() }, { fn: () => fs.statSync(file) }, { rounds: 41, warmup: 5, iterations: 2000 });
    await pool.close();
    await store.close();
    return row;
  } finally {
    api.kill();
  }
}

/** (b): N remote pools over `workers` processes; `changes` replaces through API server 1. */
export async function fanOutRow({ pools = 1000, workers = 4, changes = 5 } = {}) {
  const server = await startTestServer();
  const apis = [];
  const children = [];
  try {
    const config = JSON.stringify(server.config);
    const { default: pg } = await import('pg');
    const { postgresStore } = await import('../../dist/stores/postgres/index.js');
    const client = new pg.Pool({ ...server.config, max: 2 });
    await postgresStore({ client, name: 'fan-out' }).setup();
    await client.end();
    for (let n = 0; n < 2; n++) apis.push(child(API, ['postgres', config, 'fan-out', '0']));
    const urls = await Promise.all(apis.map((api) => api.next()));
    const writer = new PersonaPool({ store: remoteStore({ url: urls[0] }) });
    await writer.replace(JSON.parse(personasText(10)));
    const rssBefore = apis.map((api) => rssKb(api.pid));
    for (let n = 0; n < workers; n++) children.push(child(WORKER, [String(Math.ceil(pools / workers)), ...urls]));
    for (const worker of children) if ((await worker.next()) !== 'ready') throw new Error('a worker did not start');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // every poll re-sent and held
    const held = Math.ceil(pools / workers) * workers;
    const rssPerHeld = apis.reduce((sum, api, n) => sum + (rssKb(api.pid) - (rssBefore[n] ?? 0)), 0) * 1024 / held;
    const latencies = [];
    let told = 0;
    for (let change = 0; change < changes; change++) {
      const started = performance.timeOrigin + performance.now();
      const { version } = await writer.replace(JSON.parse(personasText(10 + change + 1)));
      for (const worker of children) {
        let line = JSON.parse(await worker.next());
        // A version told to some pools only after the worker said "ready" (a slow start) is reported late: skipped.
        while (line.version !== version) line = JSON.parse(await worker.next());
        told += line.told.length;
        latencies.push(...line.told.map((time) => time - started));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { pools: held, workers, changes, told, expected: held * changes, median: median(latencies), p99: percentile(latencies, 99), max: Math.max(...latencies), rssPerHeld };
  } finally {
    for (const running of [...children, ...apis]) running.kill();
    server.remove();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const hit = await remoteHitRow();
  process.stdout.write(`remote loadSync() hit, watch mode: ${hit.ours.toFixed(1)} ns vs statSync ${hit.base.toFixed(1)} ns = ${hit.ratio.toFixed(4)}x (target ≤ 0.05x)\n`);
  for (const pools of (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['1000']).map(Number)) {
    const row = await fanOutRow({ pools });
    process.stdout.write(`fan-out to ${row.pools} remote pools in ${row.workers} processes, 2 API servers, 1 PostgreSQL: ${row.told}/${row.expected} told; median ${row.median.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, max ${row.max.toFixed(1)} ms; API RSS ${(row.rssPerHeld / 1024).toFixed(1)} KiB per held request\n`);
  }
}
