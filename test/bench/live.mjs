// Rows 12–13: changes pushed across processes. Row 12: replace() in another process → the listener
// here called, 250 times. Row 13: 10,000 long-poll GETs held on one watch-mode pool, released by one
// write; the heap each held request costs the server, against a bare node:http server holding as many.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PersonaPool } from '../../dist/index.js';
import { median } from './measure.mjs';
import { personasText } from './personas.mjs';

const WRITER = fileURLToPath(new URL('./timed-writer.mjs', import.meta.url));
const HOLD_SERVER = fileURLToPath(new URL('./hold-server.mjs', import.meta.url));

/** A child process, and its stdout as lines: `next()` resolves with the next one. */
function child(args, execArgv = []) {
  const process_ = spawn(process.execPath, [...execArgv, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: process_.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${args[0]} ended early`);
    return value;
  };
  return { send: (line) => process_.stdin.write(`${line}\n`), next, kill: () => process_.kill() };
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/**
 * Row 12: another process replaces the pool (one write per line sent) and this one, in watch mode,
 * is told by its listener: from the moment the writer called replace() to the listener, and from its
 * rename (the new file in place) to the listener.
 *
 * @param options - `changes` measured, after `warmup` ones.
 * @returns In ns: `median`, `p99`, `max` from the call; `fromRename` `{ median, p99 }`; `write`,
 * `writeP99`: the writer's replace() itself; and `changes`.
 */
export async function propagationRow({ changes = 250, warmup = 20 } = {}) {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-'));
  const file = join(dir, 'personas.json');
  const pool = new PersonaPool({ path: file, watch: true });
  const writer = child([WRITER, file]);
  try {
    if (!pool.watching) throw new Error('row 12 needs a watchable folder');
    const told = new Map();
    pool.subscribe((snapshot) => told.set(snapshot.version, process.hrtime.bigint()));
    const latencies = [];
    const afterRename = [];
    const writes = [];
    for (let i = 0; i < warmup + changes; i++) {
      writer.send(String((i % 40) + 1)); // each list differs from the one before
      const { version, started, renamed, ended } = JSON.parse(await writer.next());
      while (!told.has(version)) await new Promise((resolve) => setTimeout(resolve, 1));
      if (i < warmup) {
        told.delete(version);
        continue;
      }
      latencies.push(Number(told.get(version) - BigInt(started)));
      afterRename.push(Number(told.get(version) - BigInt(renamed)));
      told.delete(version); // a list written again later has this version again
      writes.push(Number(BigInt(ended) - BigInt(started)));
    }
    const fromRename = { median: median(afterRename), p99: percentile(afterRename, 99) };
    return { median: median(latencies), p99: percentile(latencies, 99), max: Math.max(...latencies), fromRename, changes, write: median(writes), writeP99: percentile(writes, 99) };
  } finally {
    writer.kill();
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` GETs asking to wait on `etag`; resolves with the answers, `{ status, etag }`, once all came. */
function holdRequests(port, etag, count, agent) {
  const headers = { 'if-none-match': etag, prefer: 'wait=600' };
  return Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/api/v1/realism/personas', headers, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, etag: response.headers.etag }));
    });
    request.on('error', reject);
  }));
}

/** Starts a hold server; its heap with nothing held; then `count` held, their heap; then `release()`. */
async function holding(file, mode, count, release) {
  const server = child([HOLD_SERVER, file, mode], ['--expose-gc']);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const { port, etag } = JSON.parse(await server.next());
    const heap = async () => (server.send('heap'), JSON.parse(await server.next()));
    const before = await heap();
    const answers = holdRequests(port, etag, count, agent);
    let now = await heap();
    while (now.held < count) now = (await new Promise((resolve) => setTimeout(resolve, 50)), await heap());
    await release(server);
    const results = await Promise.all(answers);
    server.send('timing');
    const { released } = JSON.parse(await server.next());
    return { perHeld: (now.heap - before.heap) / count, released, results, etag };
  } finally {
    agent.destroy();
    server.kill();
  }
}

/**
 * Row 13: 10,000 long-poll GETs (If-None-Match and `Prefer: wait=600`) held by a watch-mode pool's
 * handler in a server process; one write by this process releases them all. Ours and the bare server
 * run in turns (ours, bare, bare, ours, …), `rounds` each: the medians are compared.
 *
 * @param options - `count` of held requests, `rounds` of each server.
 * @returns `{ count, answered, perHeld, bare, released, bareReleased }`: the 200s with the new version
 * (every round), heap bytes per held request (ours, and node:http's own by the bare reference), ns
 * from the change reaching the server's pool to the last answer sent (bare: from its release command).
 */
export async function longPollRow({ count = 10_000, rounds = 3 } = {}) {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-'));
  const file = join(dir, 'personas.json');
  fs.writeFileSync(file, personasText(50));
  let size = 50;
  const write = async () => {
    size = size === 50 ? 49 : 50; // each write differs from the one before
    const { version } = await new PersonaPool({ path: file }).replace(JSON.parse(personasText(size)));
    return version;
  };
  try {
    // A warm-up round, not counted, so the handler's code is compiled before the heap is measured.
    await holding(file, 'ours', 100, write);
    const ours = [];
    const bare = [];
    let answered = 0;
    for (let round = 0; round < rounds * 2; round++) {
      if ((round % 4 === 0 || round % 4 === 3)) {
        let version = '';
        const result = await holding(file, 'ours', count, async () => (version = await write()));
        answered += result.results.filter((one) => one.status === 200 && one.etag === `"${version}"`).length;
        ours.push(result);
      } else bare.push(await holding(file, 'bare', count, (server) => server.send('release')));
    }
    const of = (results, key) => median(results.map((result) => result[key]));
    return { count, answered: answered / rounds, perHeld: of(ours, 'perHeld'), bare: of(bare, 'perHeld'), released: of(ours, 'released'), bareReleased: of(bare, 'released'), rounds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
