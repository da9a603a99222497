// Rows 7, 8 and 11: requests/s through handlePersonasRequest mounted on node:http, against a bare
// node:http handler answering the same bytes from constants (row 7) or the same behind one `await`
// (rows 8 and 11). Server in a child process, autocannon here; same settings for all, runs
// alternating (bare, ours, …; then …, ours, bare), medians of the rounds.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median } from './measure.mjs';
import { personasText } from './personas.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const SETTINGS = { connections: 32, pipelining: 1 };

/** Starts the server process (behind `launcher`, e.g. taskset, if given); resolves with it and its ports once it listens. */
function startServer(file, launcher = []) {
  const [command, ...args] = [...launcher, process.execPath, SERVER, file];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, ...JSON.parse(out) });
    });
  });
}

/** One autocannon run; requests/s, after checking every answer had the expected status. */
async function requestsPerSecond(port, headers, status, duration) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/api/v1/realism/personas`, headers, duration, ...SETTINGS });
  const codes = Object.keys(result.statusCodeStats);
  if (result.errors > 0 || result.timeouts > 0 || codes.length !== 1 || codes[0] !== String(status)) {
    throw new Error(`port ${port}: expected only ${status}, got ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors`);
  }
  return result.statusCodeStats[status].count / ((result.finish - result.start) / 1000);
}

/**
 * Alternating runs of the servers named (each round in the other order: A B, B A…); the medians of
 * their requests/s by name.
 */
async function medians(ports, headers, status, { rounds, duration, names }) {
  const rates = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      rates[name].push(await requestsPerSecond(ports[name], headers, status, duration));
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(rates[name])]));
}

/** A row: `subject` against `baseline`, by their medians, and every median measured with them. */
function versus(rates, subject, baseline, rounds) {
  return { ours: rates[subject], base: rates[baseline], ratio: rates[subject] / rates[baseline], rounds, rates };
}

/**
 * Runs rows 7 (GET, 200, against bare), 8 (GET with a matching If-None-Match, 304, against bare
 * behind one `await`) and 11 (the same 304 on a watch-mode pool, against the same reference).
 *
 * @param options - `rounds` per row, `duration` of each run in seconds, `launcher` of the server.
 * @returns `{ 7: {...}, 8: {...}, 11: {...} }`; each with the medians of every server it ran (`rates`).
 */
export async function httpRows({ rounds = 5, duration = 2, launcher = [] } = {}) {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-'));
  const file = join(dir, 'personas.json');
  fs.writeFileSync(file, personasText(50));
  const server = await startServer(file, launcher);
  try {
    const ports = { ours: server.ours, bare: server.bare, awaited: server.awaited, memory: server.memory, watch: server.watch };
    const fresh = { 'if-none-match': server.etag };
    // Warm-up: every server, both paths, not counted.
    for (const port of [ports.bare, ports.ours]) await requestsPerSecond(port, {}, 200, 1);
    for (const port of Object.values(ports)) await requestsPerSecond(port, fresh, 304, 1);
    const row7 = await medians(ports, {}, 200, { rounds, duration, names: ['bare', 'ours'] });
    // The bare handler behind one `await` is the least any promise-returning handler costs: rows 8
    // and 11 are measured against it. Bare, and ours on a pool held in memory, are for the findings.
    const row8 = await medians(ports, fresh, 304, { rounds, duration, names: ['bare', 'ours', 'awaited', 'memory', 'watch'] });
    return { 7: versus(row7, 'ours', 'bare', rounds), 8: versus(row8, 'ours', 'awaited', rounds), 11: versus(row8, 'watch', 'awaited', rounds) };
  } finally {
    server.child.removeAllListeners('exit');
    server.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
