// The HTTP server of rows 7, 8 and 11, in its own process: `node server.mjs <file>`. It listens on
// five loopback ports, `ours` (handlePersonasRequest on the pool of <file>), `bare` (a node:http
// handler answering the same status, headers and bytes from constants), `awaited` (bare behind one
// `await`, the reference of rows 8 and 11), `watch` (ours on a watch-mode pool of <file>, row 11) and
// `memory` (ours on a pool held in memory, so no `stat`: a reference for the findings).
// It prints `{ ours, bare, awaited, memory, watch, etag }` once all listen.
import http from 'node:http';
import { handlePersonasRequest, PersonaPool } from '../../dist/index.js';

const [file] = process.argv.slice(2);
const pool = new PersonaPool({ path: file });
const user = { role: 'viewer' };

/** The mount of rows 7–8: handlePersonasRequest on `served`, its answer sent as it is. */
const mount = (served) =>
  async function ours(req, res) {
    const { status, headers, body } = await handlePersonasRequest({ pool: served, method: req.method, user, headers: req.headers });
    res.writeHead(status, headers).end(body ?? undefined);
  };

// The constants of the bare server: exactly what ours answers for this file, taken once.
const first = await handlePersonasRequest({ pool, method: 'GET', user, headers: {} });
if (first.status !== 200) throw new Error(`the bench pool answers ${first.status}: ${first.body}`);
const BODY = Buffer.from(first.body);
const HEADERS_200 = first.headers;
const ETAG = first.headers.etag;
const HEADERS_304 = { etag: ETAG, 'cache-control': first.headers['cache-control'] };

function bare(req, res) {
  if (req.headers['if-none-match'] === ETAG) res.writeHead(304, HEADERS_304).end();
  else res.writeHead(200, HEADERS_200).end(BODY);
}

/** The pool's snapshot held in memory: what the handler costs without the `stat` that keeps GET current. */
const held = await pool.snapshot();
const memory = { snapshot: () => Promise.resolve(held), replace: () => Promise.reject(new Error('read only')) };

/** The bare handler behind one `await`: what answering through any promise costs by itself. */
async function awaited(req, res) {
  await undefined;
  bare(req, res);
}

const listen = (handler) =>
  new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });

// A clean exit on SIGTERM, so `node --cpu-prof server.mjs` writes its profile.
process.on('SIGTERM', () => process.exit(0));
/** Watch mode: hits answered from memory while a watch on the folder vouches for them. */
const watched = new PersonaPool({ path: file, watch: true });
if (!watched.watching) throw new Error('the bench folder cannot be watched');
const ports = { ours: await listen(mount(pool)), bare: await listen(bare), awaited: await listen(awaited), memory: await listen(mount(memory)), watch: await listen(mount(watched)) };
process.stdout.write(`${JSON.stringify({ ...ports, etag: ETAG })}\n`);
