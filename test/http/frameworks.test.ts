// The recipes of docs/recipes.md — node:http, Express 5, Fastify 5, Hono 4, a fetch server — run exactly as documented, as
// child processes on 127.0.0.1 (see test/helpers/http-recipes.ts), with the documented stand-in authentication (the
// role in x-demo-role). Each expectation is written once and checked against every recipe: the same
// request gets the same status and the same detail from all five. After the hostile requests, each test
// checks that the process is still alive and answering.
import fs from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANN, BOB, INVALID, onDisk } from '../helpers/http.js';
import { documented, exchange, rawRequest, recipeFolder, runRecipe, withVariant, type RawAnswer, type RunningRecipe } from '../helpers/http-recipes.js';
import { tempDir } from '../helpers/common.js';

const ROUTE = '/api/v1/realism/personas';
const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const NOT_FOUND = 'Not found';
const NOT_A_LIST = 'body.personas must be a list';
const TOO_LARGE = `The request body is larger than ${MAX_BODY_BYTES} bytes: send fewer personas, or raise the handler's maxBodyBytes`;
const NOT_JSON_TYPE = (type: string) => `The request body is "${type}", not JSON: send it as JSON, with Content-Type: application/json`;

let folder = '';

beforeAll(() => {
  folder = recipeFolder();
});

afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

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
  const sent = { ...headers, ...(role === undefined ? {} : { 'x-demo-role': role }) };
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const init = payload === undefined ? { method, headers: sent } : { method, headers: { 'content-type': 'application/json', ...sent }, body: payload };
  const response = await fetch(url, init);
  const text = await response.text();
  const json = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, text, json };
}

function expectDetail(answer: Answer, status: number, detail: string | RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe(JSON_TYPE);
  expect(answer.json.detail).toMatch(detail);
}

/** A raw answer in the wire format, with a Content-Length that is the body's, and never chunked. */
function expectRaw(answer: RawAnswer, status: number, detail: string): void {
  expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ status, body: { detail } });
  expect(answer.headers.get('content-type')).toBe(JSON_TYPE);
  expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(answer.body)));
  expect(answer.headers.has('transfer-encoding')).toBe(false);
}

const PUT_HEAD = `PUT ${ROUTE} HTTP/1.1`;
const ADMIN_JSON = { 'x-demo-role': 'admin', 'Content-Type': 'application/json' };

describe.each([
  { name: 'node:http', recipe: 'node-http' },
  { name: 'Express 5', recipe: 'express' },
  { name: 'Fastify 5', recipe: 'fastify' },
  { name: 'Hono 4', recipe: 'hono' },
  { name: 'a fetch server (node:http with Request and Response)', recipe: 'fetch-node' },
])('$name, as documented', ({ recipe }) => {
  let path = '';
  let server: RunningRecipe;
  let strict: RunningRecipe;

  beforeAll(async () => {
    path = join(tempDir(), 'pool', 'personas.json');
    fs.mkdirSync(dirname(path));
    const code = documented(recipe);
    const requiring = withVariant(code, 'require-if-match');
    expect(requiring).toContain('requireIfMatch: true');
    [server, strict] = await Promise.all([runRecipe(folder, recipe, code, path), runRecipe(folder, `${recipe}-if-match`, requiring, path)]);
  });

  afterAll(async () => {
    await Promise.all([server?.stop(), strict?.stop()]);
    fs.rmSync(dirname(dirname(path)), { recursive: true, force: true });
  });

  beforeEach(() => {
    fs.writeFileSync(`${path}.seed`, JSON.stringify([ANN]));
    fs.renameSync(`${path}.seed`, path);
  });

  /** The kill-check: the process has not exited, and it still serves the pool. */
  async function expectAlive(): Promise<void> {
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
    expect((await call(server.url, { role: 'viewer' })).status).toBe(200);
  }

  describe('the endpoint', () => {
    it('serves the pool to a viewer, with a Content-Length', async () => {
      const answer = await call(server.url, { role: 'viewer' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(JSON_TYPE);
      expect(answer.headers.get('cache-control')).toBe('no-cache');
      expect(answer.headers.get('etag')).toBe(`"${String(answer.json.version)}"`);
      expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(answer.text)));
      expect(answer.json).toEqual({ path, personas: [expect.objectContaining(ANN)], version: expect.any(String), problem: null });
    });

    it('answers HEAD with the headers only', async () => {
      const answer = await call(server.url, { method: 'HEAD', role: 'viewer' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('etag')).toMatch(/^"[\w-]+"$/);
      expect(answer.text).toBe('');
    });

    it('answers 401 to an anonymous user', async () => {
      expectDetail(await call(server.url), 401, /^Could not validate credentials$/);
    });

    it('answers 403 to a viewer who writes', async () => {
      expectDetail(await call(server.url, { method: 'PUT', role: 'viewer', body: { personas: [BOB] } }), 403, /^Insufficient permissions$/);
      expect(onDisk(path)).toEqual([ANN]);
    });

    it('writes for an admin, and serves what was written', async () => {
      const put = await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] } });
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ path, personas: [expect.objectContaining(BOB)], rejected: [], warnings: [], version: expect.any(String), problem: null });
      const got = await call(server.url, { role: 'viewer' });
      expect(got.json.personas).toEqual(put.json.personas);
      expect(got.headers.get('etag')).toBe(put.headers.get('etag'));
      expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
    });

    it('answers 400 to a body without a list', async () => {
      expectDetail(await call(server.url, { method: 'PUT', role: 'admin', body: { personas: 'Ann' } }), 400, NOT_A_LIST);
      expectDetail(await call(server.url, { method: 'PUT', role: 'admin', body: [ANN] }), 400, NOT_A_LIST);
      expect(onDisk(path)).toEqual([ANN]);
    });

    it('answers 400 to a list with no valid persona', async () => {
      const answer = await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [INVALID] } });
      expectDetail(answer, 400, /validation failed/);
      expect(answer.json.rejected).toEqual([expect.objectContaining({ index: 0 })]);
      expect(onDisk(path)).toEqual([ANN]);
    });

    it('writes the valid part of a partly invalid list', async () => {
      const answer = await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [INVALID, BOB] } });
      expect(answer.status).toBe(200);
      expect(answer.json.rejected).toEqual([{ index: 0, issues: [expect.objectContaining({ path: 'email' })] }]);
      expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
    });

    it('answers 304 to a matching If-None-Match', async () => {
      const etag = (await call(server.url, { role: 'viewer' })).headers.get('etag') ?? '';
      const answer = await call(server.url, { role: 'viewer', headers: { 'If-None-Match': `W/${etag}` } });
      expect(answer.status).toBe(304);
      expect(answer.headers.get('etag')).toBe(etag);
      expect(answer.text).toBe('');
    });

    it('holds a GET asked to wait (Prefer: wait=1) while the pool is unchanged, then answers 304', async () => {
      const etag = (await call(server.url, { role: 'viewer' })).headers.get('etag') ?? '';
      const answer = await call(server.url, { role: 'viewer', headers: { 'If-None-Match': etag, Prefer: 'wait=1' } });
      expect(answer.status).toBe(304);
      expect(answer.headers.get('preference-applied')).toBe('wait=1');
    });

    it('releases a held GET with the new pool when an admin writes', async () => {
      const etag = (await call(server.url, { role: 'viewer' })).headers.get('etag') ?? '';
      const waiting = call(server.url, { role: 'viewer', headers: { 'If-None-Match': etag, Prefer: 'wait=30' } });
      // Time for the GET to reach the handler (no duration is asserted: a GET that came after the
      // write would be answered 200 at once, without Preference-Applied, and fail below).
      await new Promise((resolve) => setTimeout(resolve, 500));
      const put = await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] } });
      const answer = await waiting;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('preference-applied')).toBe('wait=30');
      expect(answer.headers.get('etag')).toBe(put.headers.get('etag'));
      expect(answer.json.personas).toEqual([expect.objectContaining(BOB)]);
    });

    it('answers 412 to a stale If-Match, and writes with the current one', async () => {
      const etag = (await call(server.url, { role: 'viewer' })).headers.get('etag') ?? '';
      const stale = await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'If-Match': '"stale"' } });
      expectDetail(stale, 412, /changed since version stale/);
      expect(onDisk(path)).toEqual([ANN]);
      expect((await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'If-Match': etag } })).status).toBe(200);
    });

    it('with the documented requireIfMatch line, answers 428 to a PUT without If-Match, and writes with it', async () => {
      expectDetail(await call(strict.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] } }), 428, /^If-Match is required/);
      expect(onDisk(path)).toEqual([ANN]);
      const etag = (await call(strict.url, { role: 'viewer' })).headers.get('etag') ?? '';
      expect((await call(strict.url, { method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'If-Match': etag } })).status).toBe(200);
      expect((await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [ANN] } })).status).toBe(200);
    });

    it('answers 500 with what to do when the pool folder cannot be written', async () => {
      const folderOfPool = dirname(path);
      fs.renameSync(folderOfPool, `${folderOfPool}.away`);
      fs.writeFileSync(folderOfPool, 'not a folder\n');
      try {
        const answer = await call(server.url, { method: 'PUT', role: 'admin', body: { personas: [ANN] } });
        expectDetail(answer, 500, /^Cannot write the persona pool .*\(ENOTDIR\)\. Fix the folder's permissions or set DECNET_REALISM_PERSONAS to a writable file path\.$/);
        expect(answer.json.detail).toContain(path);
      } finally {
        fs.rmSync(folderOfPool);
        fs.renameSync(`${folderOfPool}.away`, folderOfPool);
      }
      await expectAlive();
    });
  });

  describe('hostile requests', () => {
    it.each(['//', '///', '//[', '//a:b', '//%', '*', 'http://[', '/api/v1/realism', `${ROUTE}/more`])('answers 404 to the target %s, and keeps running', async (target) => {
      expectRaw(await exchange(server.port, rawRequest(`GET ${target} HTTP/1.1`, { 'x-demo-role': 'viewer' })), 404, NOT_FOUND);
      await expectAlive();
    });

    it('reaches the route by an absolute-form target too', async () => {
      const answer = await exchange(server.port, rawRequest(`GET http://127.0.0.1${ROUTE}?x=% HTTP/1.1`, { 'x-demo-role': 'viewer' }));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(answer.body)));
    });

    it.each([
      ['DELETE', {}],
      ['POST', ADMIN_JSON],
      ['PATCH', ADMIN_JSON],
      ['OPTIONS', {}],
      ['TRACE', {}],
      ['QUERY', {}],
      ['PROPFIND', {}],
      ['DELETE', { 'Content-Type': ';;;' }],
    ])('answers 405 to %s %j, and keeps running', async (method, headers) => {
      const answer = await exchange(server.port, rawRequest(`${method} ${ROUTE} HTTP/1.1`, headers, '{}'));
      expectRaw(answer, 405, 'Method not allowed: use GET, HEAD, PUT');
      expect(answer.headers.get('allow')).toBe('GET, HEAD, PUT');
      await expectAlive();
    });

    it.each([
      ['a method HTTP does not know', `FOO ${ROUTE} HTTP/1.1`, {}, 'HPE_INVALID_METHOD'],
      ['a malformed header', `GET ${ROUTE} HTTP/1.1`, { 'Bad Header': 'x' }, 'HPE_INVALID_HEADER_TOKEN'],
    ])('answers 400 to %s, and keeps running', async (_name, head, headers, code) => {
      expectRaw(await exchange(server.port, rawRequest(head, headers)), 400, `The request is not valid HTTP (${code}): the server could not read it`);
      await expectAlive();
    });

    it('leaves to node what it answers before any framework: CONNECT closed, HTTP/1.1 without Host 400', async () => {
      expect(await exchange(server.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')).toEqual({ status: 0, headers: new Map(), body: '' });
      const hostless = await exchange(server.port, `GET ${ROUTE} HTTP/1.1\r\nx-demo-role: viewer\r\nConnection: close\r\n\r\n`);
      expect({ status: hostless.status, body: hostless.body }).toEqual({ status: 400, body: '' });
      expect((await exchange(server.port, `GET ${ROUTE} HTTP/1.0\r\nx-demo-role: viewer\r\n\r\n`)).status).toBe(200);
      await expectAlive();
    });

    it.each([
      ['text/plain', NOT_JSON_TYPE('text/plain')],
      ['application/x-www-form-urlencoded', NOT_JSON_TYPE('application/x-www-form-urlencoded')],
      [';;;', NOT_JSON_TYPE('')],
      ['application/json; charset=latin1', 'The request body is in charset "latin1": send the JSON in UTF-8'],
      [undefined, 'The request has no Content-Type: send the body as JSON, with Content-Type: application/json'],
    ])('answers 415 to a PUT sent as %s, and keeps running', async (type, detail) => {
      const headers = { 'x-demo-role': 'admin', ...(type === undefined ? {} : { 'Content-Type': type }) };
      expectRaw(await exchange(server.port, rawRequest(PUT_HEAD, headers, JSON.stringify({ personas: [BOB] }))), 415, detail);
      expect(onDisk(path)).toEqual([ANN]);
      await expectAlive();
    });

    it('answers an anonymous PUT of any type 401, before the Content-Type', async () => {
      expectRaw(await exchange(server.port, rawRequest(PUT_HEAD, { 'Content-Type': 'text/plain' }, 'x')), 401, 'Could not validate credentials');
    });

    it.each(['Application/JSON; charset=UTF-8', 'application/vnd.decnet+json'])('writes a PUT sent as %s', async (type) => {
      const answer = await exchange(server.port, rawRequest(PUT_HEAD, { 'x-demo-role': 'admin', 'Content-Type': type }, JSON.stringify({ personas: [BOB] })));
      expect(answer.status).toBe(200);
      expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
    });

    it.each([
      ['an empty body', '', 'The request body is empty: send {"personas": [...]} as JSON'],
      ['null', 'null', NOT_A_LIST],
      ['a body that is not JSON', '{"personas": [', 'The request body is not valid JSON (line 1, column 15): send {"personas": [...]}'],
      ['a name that is not UTF-8', Buffer.concat([Buffer.from('{"personas": [{"name": "B'), Buffer.from([0xf6]), Buffer.from('b", "email": "b@corp.example", "role": "x"}]}')]), 'The request body is not valid UTF-8: send the JSON encoded as UTF-8'],
    ])('answers 400 to %s, writes nothing, and keeps running', async (_name, body, detail) => {
      expectRaw(await exchange(server.port, rawRequest(PUT_HEAD, ADMIN_JSON, body)), 400, detail);
      expect(onDisk(path)).toEqual([ANN]);
      await expectAlive();
    });

    it('answers 400 to a PUT with no body at all', async () => {
      expectRaw(await exchange(server.port, rawRequest(PUT_HEAD, ADMIN_JSON)), 400, 'The request body is empty: send {"personas": [...]} as JSON');
    });

    it('answers 413 at once to a declared Content-Length over the limit, and keeps running', async () => {
      const head = rawRequest(PUT_HEAD, { ...ADMIN_JSON, 'Content-Length': String(MAX_BODY_BYTES + 1) });
      expectRaw(await exchange(server.port, Buffer.concat([head, Buffer.from('{"personas": [')])), 413, TOO_LARGE);
      expect(onDisk(path)).toEqual([ANN]);
      await expectAlive();
    });

    it('answers 413 to a streamed body over the limit, sent without Content-Length, and keeps running', async () => {
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) controller.enqueue(chunk);
          controller.close();
        },
      });
      const response = await fetch(server.url, { method: 'PUT', headers: ADMIN_JSON, body, duplex: 'half' } as RequestInit);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ detail: TOO_LARGE });
      expect(onDisk(path)).toEqual([ANN]);
      await expectAlive();
    });

    it('answers 401 to an anonymous body over the limit, reading none of it', async () => {
      const head = rawRequest(PUT_HEAD, { 'Content-Type': 'application/json', 'Content-Length': String(MAX_BODY_BYTES + 1) });
      expectRaw(await exchange(server.port, head), 401, 'Could not validate credentials');
    });
  });

  it('ran every request without a word on stderr, and is still running', async () => {
    await expectAlive();
    expect(strict.child.exitCode).toBeNull();
    expect(server.stderr()).toBe('');
    expect(strict.stderr()).toBe('');
  });
});
