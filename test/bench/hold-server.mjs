// The server of row 13, in its own process: `node --expose-gc hold-server.mjs <file> <ours|bare>`.
// `ours`: createPersonasHandler on a watch-mode pool of <file>, every request passed its signal, as
// docs/http.md shows; `bare`: a node:http handler that holds each request until told to release it
// (the reference: what node:http itself keeps per held request), then answers each with the same
// bytes and headers as ours (the pool file's content, read at the release). Commands on stdin, one per line:
// `heap` prints `{ held, heap }` (heapUsed after two full GCs), `release` (bare) answers every held
// request with 200, `timing` prints `{ released }`: ns from the change reaching the server (the
// pool's listener; bare: the release command) to the last held request's answer sent. Prints
// `{ port, etag }` once it listens.
import fs from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { createPersonasHandler, PersonaPool } from '../../dist/index.js';

const [file, mode] = process.argv.slice(2);
const user = { role: 'viewer' };
const pool = new PersonaPool({ path: file, watch: true });
if (!pool.watching) throw new Error('the bench folder cannot be watched');
const handle = createPersonasHandler({ pool, maxWaitSeconds: 600 });
const { version } = await pool.snapshot();
let held = 0;
let changedAt = 0n;
let answeredAt = 0n;
pool.subscribe(() => (changedAt = process.hrtime.bigint()));

/** Aborted when the response closes: sent, or the client gone. */
function closeSignal(res) {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

async function ours(req, res) {
  held++;
  const { status, headers, body } = await handle({ method: req.method, user, headers: req.headers, signal: closeSignal(res) });
  res.writeHead(status, headers).end(body ?? undefined);
  if (--held === 0) answeredAt = process.hrtime.bigint();
}

const waiting = [];
function bare(req, res) {
  held++;
  waiting.push(res);
}

const server = http.createServer(mode === 'bare' ? bare : ours);
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, etag: `"${version}"` })}\n`);
});

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'heap') {
    globalThis.gc();
    globalThis.gc();
    process.stdout.write(`${JSON.stringify({ held, heap: process.memoryUsage().heapUsed })}\n`);
  } else if (line === 'release') {
    changedAt = process.hrtime.bigint();
    const body = fs.readFileSync(file);
    const headers = { 'content-type': 'application/json', etag: '"bare"', 'cache-control': 'no-cache', 'preference-applied': 'wait=600' };
    for (const res of waiting.splice(0)) res.writeHead(200, headers).end(body);
    held = 0;
    answeredAt = process.hrtime.bigint();
  } else if (line === 'timing') {
    process.stdout.write(`${JSON.stringify({ released: Number(answeredAt - changedAt) })}\n`);
  }
}
