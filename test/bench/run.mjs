// `npm run bench`: every row of docs/benchmarks.md, measured now, against baselines measured in the
// same run. Prints the table and rewrites docs/benchmarks.md. Not part of `npm test`.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { httpRows } from './http.mjs';
import { longPollRow, propagationRow } from './live.mjs';
import { postgresRows } from './postgres.mjs';
import { fanOutRow, remoteHitRow } from './remote.mjs';
import { renderReport, renderTable } from './report.mjs';
import { startupRows } from './startup.mjs';
import { writersRow } from './writers.mjs';

const ROWS_SCRIPT = fileURLToPath(new URL('./rows.mjs', import.meta.url));
const DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const started = process.hrtime.bigint();
const loadAtStart = os.loadavg();

/** One of rows 1–6 and 10, in a fresh `node --expose-gc` process. */
function isolatedRow(row) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ROWS_SCRIPT, String(row)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`row ${row} exited with ${code}`))));
  });
}

/** Pins this process (the HTTP client) to one core and the server to the other, where `taskset` exists. */
function pinning() {
  if (os.cpus().length < 2) return undefined;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { server: ['taskset', '-c', '1'], restore: () => execFileSync('taskset', ['-a', '-p', '-c', `0-${os.cpus().length - 1}`, String(process.pid)], { stdio: 'ignore' }) };
}

const results = {};
for (const row of [1, 2, 3, 4, 5, 6, 10]) {
  process.stderr.write(`row ${row}…\n`);
  results[row] = await isolatedRow(row);
}
process.stderr.write('rows 7, 8 and 11 (HTTP)…\n');
const pinned = pinning();
try {
  Object.assign(results, await httpRows({ rounds: 5, duration: 2, launcher: pinned?.server }));
} finally {
  pinned?.restore();
}
process.stderr.write('row 9 (processes)…\n');
results[9] = await writersRow();
process.stderr.write('row 12 (propagation)…\n');
results[12] = await propagationRow();
process.stderr.write('row 13 (10,000 held GETs)…\n');
results[13] = await longPollRow();
process.stderr.write('rows 14–17 (PostgreSQL)…\n');
Object.assign(results, await postgresRows());
process.stderr.write('rows 18–21 (start-up)…\n');
Object.assign(results, startupRows());
process.stderr.write('rows 22–23 (remote: loadSync hit; fan-out to 1,000 remote pools)…\n');
results[22] = await remoteHitRow();
results[23] = await fanOutRow({ pools: 1000 });

const machine = {
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores: os.cpus().length,
  memory: os.totalmem(),
  node: process.version,
  platform: `${os.platform()} ${os.arch()} ${os.release()}`,
  date: new Date(),
  load: { start: loadAtStart, end: os.loadavg() },
  seconds: Number(process.hrtime.bigint() - started) / 1e9,
  pinned: pinned !== undefined,
};
process.stdout.write(`${renderTable(results)}\n\nbench wall time ${machine.seconds.toFixed(0)} s, load average ${machine.load.end.map((x) => x.toFixed(2)).join(' ')}\n`);
fs.writeFileSync(DOC, renderReport(machine, results));
process.stderr.write(`wrote ${DOC}\n`);
