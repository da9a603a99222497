// The HTTP core mounted for real in node:http, Express 5, Fastify 5 and Hono 4, as docs/http.md shows,
// each answering real requests on 127.0.0.1. The test hosts authenticate by the header x-test-role.
import fs from 'node:fs';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify, { type FastifyError, type FastifyReply } from 'fastify';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPersonasHandler, errorResponse, type PersonasHandler, type PersonasResponse } from '../src/index.js';
import { ANN, BOB, blockedPoolFile, INVALID, onDisk, poolAt, poolFile, removeTempFolders } from './http-fixtures.js';
import { waitFor } from './helpers.js';

const ROUTE = '/api/v1/realism/personas';
const LIMIT = 16 * 1024;
const TOO_LARGE = `Request body too large: the limit is ${LIMIT} bytes`;
const NOT_JSON = 'The body is not valid JSON';

interface TestUser {
  readonly username: string;
  readonly role: string;
}

interface Host {
  readonly url: string;
  close(): Promise<void>;
}

type Start = (handle: PersonasHandler) => Promise<Host>;

/** The test hosts' authentication: the role in x-test-role; absent, an anonymous user (null). */
function testUser(role: string | string[] | undefined | null): TestUser | null {
  return typeof role === 'string' && role !== '' ? { username: 'tester', role } : null;
}

async function listen(server: Server): Promise<Host> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${ROUTE}`, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Aborted when the response closes: sent, or the client gone (req's 'close' fires once its body is read). */
function closeSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

/** Sends a core response through node's (and Express's) response object. */
function sendNode(res: ServerResponse, { status, headers, body }: PersonasResponse): void {
  res.writeHead(status, headers).end(body ?? undefined);
}

/** node:http has no body parser: refuse a declared length over LIMIT, count what streams in, then parse. */
function readJson(req: IncomingMessage): Promise<{ value: unknown } | PersonasResponse> {
  if (Number(req.headers['content-length'] ?? 0) > LIMIT) {
    req.resume();
    return Promise.resolve(errorResponse(413, TOO_LARGE));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LIMIT) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > LIMIT ? errorResponse(413, TOO_LARGE) : parseJson(Buffer.concat(chunks).toString('utf8'))));
  });
}

function parseJson(text: string): { value: unknown } | PersonasResponse {
  try {
    return { value: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    return errorResponse(400, NOT_JSON);
  }
}

async function serveNode(handle: PersonasHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (new URL(req.url ?? '/', 'http://host').pathname !== ROUTE) return sendNode(res, errorResponse(404, 'Not found'));
  const body = await readJson(req);
  if ('status' in body) return sendNode(res, body);
  const user = testUser(req.headers['x-test-role']);
  sendNode(res, await handle({ method: req.method ?? '', user, body: body.value, headers: req.headers, signal: closeSignal(res) }));
}

const startNode: Start = (handle) => listen(http.createServer((req, res) => void serveNode(handle, req, res)));

const startExpress: Start = (handle) => {
  const app = express();
  app.use((req, res, next) => {
    res.locals.user = testUser(req.get('x-test-role'));
    next();
  });
  app.all(ROUTE, express.json({ limit: LIMIT }), async (req, res) => {
    sendNode(res, await handle({ method: req.method, user: res.locals.user, body: req.body, headers: req.headers, signal: closeSignal(res) }));
  });
  app.use((error: { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') return sendNode(res, errorResponse(413, TOO_LARGE));
    if (error.type === 'entity.parse.failed') return sendNode(res, errorResponse(400, NOT_JSON));
    next(error);
  });
  return listen(http.createServer(app));
};

/** Sends a core response through Fastify's reply; `null` would be sent as the JSON text `null`. */
function sendFastify(reply: FastifyReply, { status, headers, body }: PersonasResponse): FastifyReply {
  return reply.code(status).headers(headers).send(body ?? undefined);
}

const startFastify: Start = async (handle) => {
  // forceCloseConnections: close() ends every connection, as closeServer does for the other hosts
  // (after an aborted fetch, undici can leave a connection that never sent a request open).
  const app = Fastify({ bodyLimit: LIMIT, forceCloseConnections: true });
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => request.setDecorator('user', testUser(request.headers['x-test-role'])));
  app.all(ROUTE, async (request, reply) => {
    const user = request.getDecorator<TestUser | null>('user');
    return sendFastify(reply, await handle({ method: request.method, user, body: request.body, headers: request.headers, signal: closeSignal(reply.raw) }));
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.statusCode === 413) return sendFastify(reply, errorResponse(413, TOO_LARGE));
    if (error.statusCode === 400) return sendFastify(reply, errorResponse(400, NOT_JSON));
    return sendFastify(reply, errorResponse(500, 'Internal error'));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${ROUTE}`, close: () => app.close() };
};

/** A core response as a fetch Response. */
function toFetch({ status, headers, body }: PersonasResponse): globalThis.Response {
  return new globalThis.Response(body, { status, headers });
}

const startHono: Start = async (handle) => {
  const app = new Hono<{ Variables: { user: TestUser | null } }>();
  app.use(async (c, next) => {
    c.set('user', testUser(c.req.header('x-test-role')));
    await next();
  });
  app.all(ROUTE, bodyLimit({ maxSize: LIMIT, onError: () => toFetch(errorResponse(413, TOO_LARGE)) }), async (c) => {
    const body = parseJson(await c.req.text());
    if ('status' in body) return toFetch(body);
    return toFetch(await handle({ method: c.req.method, user: c.get('user'), body: body.value, headers: c.req.raw.headers, signal: c.req.raw.signal }));
  });
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${ROUTE}`, close: () => closeServer(server) };
};

interface Call {
  readonly method?: string;
  readonly role?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

async function call(url: string, { method = 'GET', role, body, headers = {} }: Call = {}): Promise<Answer> {
  const sent = { ...headers, ...(role === undefined ? {} : { 'x-test-role': role }) };
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const init = payload === undefined ? { method, headers: sent } : { method, headers: { 'content-type': 'application/json', ...sent }, body: payload };
  const response = await fetch(url, init);
  const text = await response.text();
  const json = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, text, json };
}

function expectDetail(answer: Answer, status: number, detail: string | RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(answer.json.detail).toMatch(detail);
}

describe.each([
  { name: 'node:http', start: startNode },
  { name: 'Express 5', start: startExpress },
  { name: 'Fastify 5', start: startFastify },
  { name: 'Hono 4', start: startHono },
])('$name', ({ start }) => {
  let path = '';
  let blocked = '';
  let good: Host;
  let broken: Host;
  let held: Host;
  /** How many requests the handler of `held` was given, and the statuses it answered, once it did. */
  let received = 0;
  const answered: number[] = [];

  beforeAll(async () => {
    path = poolFile();
    blocked = blockedPoolFile();
    good = await start(createPersonasHandler({ pool: poolAt(path) }));
    broken = await start(createPersonasHandler({ pool: poolAt(blocked) }));
    const holding = createPersonasHandler({ pool: poolAt(path), maxWaitSeconds: 3600 });
    held = await start((request) => {
      received++;
      return holding(request).then((response) => (answered.push(response.status), response));
    });
  });

  afterAll(async () => {
    await Promise.all([good.close(), broken.close(), held.close()]);
    removeTempFolders();
  });

  beforeEach(() => {
    fs.writeFileSync(`${path}.seed`, JSON.stringify([ANN]));
    fs.renameSync(`${path}.seed`, path);
  });

  it('serves the pool to a viewer', async () => {
    const answer = await call(good.url, { role: 'viewer' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    expect(answer.headers.get('etag')).toBe(`"${String(answer.json.version)}"`);
    expect(answer.json).toEqual({ path, personas: [expect.objectContaining(ANN)], version: expect.any(String), problem: null });
  });

  it('answers HEAD with the headers only', async () => {
    const answer = await call(good.url, { method: 'HEAD', role: 'viewer' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(answer.text).toBe('');
  });

  it('answers 401 to an anonymous user', async () => {
    expectDetail(await call(good.url), 401, /^Could not validate credentials$/);
  });

  it('answers 403 to a viewer who writes', async () => {
    expectDetail(await call(good.url, { method: 'PUT', role: 'viewer', body: { personas: [BOB] } }), 403, /^Insufficient permissions$/);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('writes for an admin, and serves what was written', async () => {
    const put = await call(good.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] } });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ path, personas: [expect.objectContaining(BOB)], rejected: [], version: expect.any(String), problem: null });
    const got = await call(good.url, { role: 'viewer' });
    expect(got.json.personas).toEqual(put.json.personas);
    expect(got.headers.get('etag')).toBe(put.headers.get('etag'));
    expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
  });

  it('answers 400 to a body without a list', async () => {
    expectDetail(await call(good.url, { method: 'PUT', role: 'admin', body: { personas: 'Ann' } }), 400, /^body\.personas must be a list$/);
    expectDetail(await call(good.url, { method: 'PUT', role: 'admin', body: [ANN] }), 400, /^body\.personas must be a list$/);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    expectDetail(await call(good.url, { method: 'PUT', role: 'admin', body: '{"personas": [' }), 400, NOT_JSON);
  });

  it('answers 400 to a list with no valid persona', async () => {
    const answer = await call(good.url, { method: 'PUT', role: 'admin', body: { personas: [INVALID] } });
    expectDetail(answer, 400, /validation failed/);
    expect(answer.json.rejected).toEqual([expect.objectContaining({ index: 0 })]);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('writes the valid part of a partly invalid list', async () => {
    const answer = await call(good.url, { method: 'PUT', role: 'admin', body: { personas: [INVALID, BOB] } });
    expect(answer.status).toBe(200);
    expect(answer.json.rejected).toEqual([{ index: 0, issues: [expect.objectContaining({ path: 'email' })] }]);
    expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = (await call(good.url, { role: 'viewer' })).headers.get('etag') ?? '';
    const answer = await call(good.url, { role: 'viewer', headers: { 'If-None-Match': `W/${etag}` } });
    expect(answer.status).toBe(304);
    expect(answer.headers.get('etag')).toBe(etag);
    expect(answer.text).toBe('');
  });

  it('holds a GET asked to wait until a write changes the pool', async () => {
    const etag = (await call(good.url, { role: 'viewer' })).headers.get('etag') ?? '';
    const before = received;
    const waiting = call(held.url, { role: 'viewer', headers: { 'If-None-Match': etag, Prefer: 'wait=30' } });
    await waitFor(() => received > before);
    const put = await call(good.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] } });
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe(put.headers.get('etag'));
    expect(answer.headers.get('preference-applied')).toBe('wait=30');
    expect(answer.json.personas).toEqual([expect.objectContaining(BOB)]);
  });

  it('frees a held GET when the client goes away', async () => {
    const etag = (await call(good.url, { role: 'viewer' })).headers.get('etag') ?? '';
    const [before, arrived] = [answered.length, received];
    const controller = new AbortController();
    const waiting = fetch(held.url, { headers: { 'x-test-role': 'viewer', 'if-none-match': etag, prefer: 'wait=3600' }, signal: controller.signal }).catch((error: unknown) => error);
    await waitFor(() => received > arrived);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered.length).toBe(before);
    controller.abort();
    await waiting;
    await waitFor(() => answered.length > before);
    expect(answered.slice(before)).toEqual([304]);
  });

  it('answers 412 to a stale If-Match, and writes with the current one', async () => {
    const etag = (await call(good.url, { role: 'viewer' })).headers.get('etag') ?? '';
    const stale = await call(good.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'If-Match': '"stale"' } });
    expectDetail(stale, 412, /changed since version stale/);
    expect(onDisk(path)).toEqual([ANN]);
    expect((await call(good.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'If-Match': etag } })).status).toBe(200);
  });

  it('answers 413 to a body over the limit', async () => {
    const personas = Array.from({ length: 400 }, (_, i) => ({ ...BOB, email: `bob${i}@corp.example` }));
    expectDetail(await call(good.url, { method: 'PUT', role: 'admin', body: { personas } }), 413, TOO_LARGE);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('answers 413 to a streamed body over the limit, sent without Content-Length', async () => {
    const chunk = new TextEncoder().encode(`{"personas": [${JSON.stringify(BOB)}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent <= LIMIT; sent += chunk.length) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(good.url, { method: 'PUT', headers: { 'x-test-role': 'admin', 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ detail: TOO_LARGE });
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('answers 405 to another method', async () => {
    const answer = await call(good.url, { method: 'DELETE', role: 'admin' });
    expectDetail(answer, 405, /GET, HEAD, PUT/);
    expect(answer.headers.get('allow')).toBe('GET, HEAD, PUT');
  });

  it('answers 500 with what to do when the pool folder cannot be written', async () => {
    const answer = await call(broken.url, { method: 'PUT', role: 'admin', body: { personas: [ANN] } });
    expectDetail(answer, 500, /^Cannot write the persona pool .* pass a writable path\.$/);
    expect(answer.json.detail).toContain(blocked);
  });
});
