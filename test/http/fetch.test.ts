// The fetch handler in process, on a real server: Hono 4 on @hono/node-server, called through
// node's own fetch. Every answer is also checked against the response schema the OpenAPI document
// (dist/openapi.json, as built) gives for its method and status, and the document itself is
// validated by an OpenAPI 3.1 validator. (The documented recipes run in test/http/frameworks.test.ts.)
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPersonasFetchHandler, handlePersonasFetch, openApiDocument, PersonaPool, type PersonaPoolError } from '../../src/index.js';
import { OPENAPI_PATH } from '../../src/http/openapi.js';
import { ADMIN, ANN, BOB, blockedPoolFile, INVALID, onDisk, poolFile, removeTempFolders, VIEWER } from '../helpers/http.js';

const DOC_FILE = new URL('../../dist/openapi.json', import.meta.url);
const SCHEMA_FILE = new URL('../../dist/schema.json', import.meta.url);
const doc = JSON.parse(fs.readFileSync(DOC_FILE, 'utf8')) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...doc, $id: 'https://persona-pool.test/openapi.json' });

const USERS: Readonly<Record<string, unknown>> = { admin: ADMIN, viewer: VIEWER };
let path = '';
let pool: PersonaPool;
let server: ServerType;
let base = '';

/** Checks an answer against the document: the status is described, and so is its body, if any. */
function expectDocumented(method: string, status: number, body: unknown): void {
  const response = doc.paths[OPENAPI_PATH]?.[method.toLowerCase()]?.responses[String(status)];
  expect(response, `${method} ${status} is in the document`).toBeDefined();
  if (body === undefined) return;
  const validate = ajv.getSchema(`https://persona-pool.test/openapi.json#/paths/${OPENAPI_PATH.replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`);
  expect(validate, `${method} ${status} has a body schema`).toBeDefined();
  expect(validate?.(body), JSON.stringify(validate?.errors)).toBe(true);
}

interface Call {
  readonly method?: string;
  readonly role?: string;
  readonly body?: unknown;
  readonly type?: string | null;
  readonly headers?: Record<string, string>;
  readonly route?: string;
}

async function call({ method = 'GET', role, body, type = 'application/json', headers = {}, route = OPENAPI_PATH }: Call = {}) {
  const sent: Record<string, string> = { ...headers, ...(role === undefined ? {} : { 'x-role': role }) };
  if (body !== undefined && type !== null) sent['content-type'] = type;
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${base}${route}`, { method, headers: sent, ...(payload === undefined ? {} : { body: payload }) });
  const text = await response.text();
  const json = (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined;
  if (route === OPENAPI_PATH) expectDocumented(method, response.status, json);
  return { status: response.status, headers: response.headers, json: json ?? {}, text };
}

beforeAll(async () => {
  path = poolFile([ANN]);
  pool = new PersonaPool({ path });
  const handle = createPersonasFetchHandler({ pool, requireIfMatch: undefined, maxBodyBytes: undefined, maxWaitSeconds: undefined });
  const app = new Hono();
  const userOf = (request: Request) => USERS[request.headers.get('x-role') ?? ''] ?? null;
  app.all(OPENAPI_PATH, (c) => handle(c.req.raw, userOf(c.req.raw)));
  app.all('/strict', (c) => handlePersonasFetch(c.req.raw, { pool, user: userOf(c.req.raw), requireIfMatch: true }));
  app.all('/small', (c) => handlePersonasFetch(c.req.raw, { pool, user: userOf(c.req.raw), maxBodyBytes: 64 }));
  app.all('/blocked', (c) => handlePersonasFetch(c.req.raw, { pool: new PersonaPool({ path: blockedPoolFile() }), user: userOf(c.req.raw) }));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await pool.close?.();
  removeTempFolders();
});

beforeEach(async () => {
  await pool.replace([ANN]);
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect({ valid: result.valid, version: validator.version }).toEqual({ valid: true, version: '3.1' });
  });

  it('is the one openApiDocument builds from the shipped JSON Schema, its request persona that schema\'s items', () => {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { items: { properties: object } };
    expect(openApiDocument({ schema })).toEqual(doc);
    const input = (doc as unknown as { components: { schemas: { PersonaPoolPersonaInput: typeof schema.items } } }).components.schemas.PersonaPoolPersonaInput;
    expect(Object.keys(input.properties)).toEqual(Object.keys(schema.items.properties));
  });

  it('describes another path, with the host\'s own security and no placeholder, and stays valid', async () => {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { items: unknown };
    const other = openApiDocument({ schema, path: '/admin/personas', security: [{ session: [] }], poolsPath: null }) as typeof doc & { components: Record<string, unknown> };
    expect(Object.keys(other.paths)).toEqual(['/admin/personas', '/admin/personas/history', '/admin/personas/restore']);
    expect(Object.keys(other.paths['/admin/personas'] ?? {})).toEqual(['get', 'head', 'put']);
    expect(other.paths['/admin/personas']?.put).toMatchObject({ security: [{ session: [] }] });
    expect(other.components.securitySchemes).toBeUndefined();
    other.components.securitySchemes = { session: { type: 'apiKey', in: 'cookie', name: 'sid' } };
    expect((await new Validator().validate(other)).valid).toBe(true);
  });

  it.each([
    [{}, /needs the option schema/],
    [{ schema: { items: {} }, path: 'personas' }, /path must begin with \//],
  ])('refuses %j', (options, message) => {
    expect(() => openApiDocument(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) as unknown }) as PersonaPoolError);
  });
});

describe('the fetch handler on Hono 4 (@hono/node-server)', () => {
  it('serves the pool to a viewer', async () => {
    const answer = await call({ role: 'viewer' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe(`"${String(answer.json.version)}"`);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({ path, personas: [expect.objectContaining(ANN)], version: expect.any(String), problem: null });
  });

  it('answers HEAD with the headers only', async () => {
    const answer = await call({ method: 'HEAD', role: 'viewer' });
    expect([answer.status, answer.text]).toEqual([200, '']);
    expect(answer.headers.get('etag')).toMatch(/^"/);
  });

  it('answers 401 to an anonymous user and 403 to a viewer who writes', async () => {
    expect(await call()).toMatchObject({ status: 401, json: { detail: 'Could not validate credentials' } });
    expect(await call({ method: 'PUT', role: 'viewer', body: { personas: [BOB] } })).toMatchObject({ status: 403, json: { detail: 'Insufficient permissions' } });
    expect(onDisk(path)).toEqual([expect.objectContaining(ANN)]);
  });

  it('writes for an admin, and serves what was written', async () => {
    const put = await call({ method: 'PUT', role: 'admin', body: { personas: [BOB] } });
    expect(put.json).toMatchObject({ path, personas: [expect.objectContaining(BOB)], rejected: [], warnings: [], problem: null });
    const got = await call({ role: 'viewer' });
    expect(got.headers.get('etag')).toBe(put.headers.get('etag'));
    expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
  });

  it('answers 400 to a body without a list, to a list with no valid persona, and to malformed JSON', async () => {
    expect(await call({ method: 'PUT', role: 'admin', body: { personas: 'Ann' } })).toMatchObject({ status: 400, json: { detail: 'body.personas must be a list' } });
    const invalid = await call({ method: 'PUT', role: 'admin', body: { personas: [INVALID] } });
    expect(invalid).toMatchObject({ status: 400, json: { detail: expect.stringMatching(/validation failed/) as unknown, rejected: [{ index: 0 }] } });
    const malformed = await call({ method: 'PUT', role: 'admin', body: '{"personas": [' });
    expect(malformed).toMatchObject({ status: 400, json: { detail: 'The request body is not valid JSON (line 1, column 15): send {"personas": [...]}' } });
    expect(onDisk(path)).toEqual([expect.objectContaining(ANN)]);
  });

  it('writes the valid part of a partly invalid list, with rejected and warnings', async () => {
    const answer = await call({ method: 'PUT', role: 'admin', body: { personas: [INVALID, { ...BOB, activ_hours: '9-5' }] } });
    expect(answer.status).toBe(200);
    expect(answer.json.rejected).toEqual([{ index: 0, issues: [expect.objectContaining({ path: 'email' })] }]);
    expect(answer.json.warnings).toEqual([expect.objectContaining({ index: 1, code: 'UNKNOWN_FIELD' })]);
  });

  it('answers 304 to a matching If-None-Match, and 412 to a stale If-Match', async () => {
    const etag = (await call({ role: 'viewer' })).headers.get('etag') ?? '';
    const unchanged = await call({ role: 'viewer', headers: { 'If-None-Match': etag } });
    expect([unchanged.status, unchanged.text, unchanged.headers.get('etag')]).toEqual([304, '', etag]);
    expect(await call({ method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'If-Match': '"stale"' } })).toMatchObject({ status: 412 });
    expect(onDisk(path)).toEqual([expect.objectContaining(ANN)]);
  });

  it('answers 428 without If-Match when required (the one-shot form), and writes with it', async () => {
    expect(await call({ route: '/strict', method: 'PUT', role: 'admin', body: { personas: [BOB] } })).toMatchObject({ status: 428, json: { detail: expect.stringMatching(/^If-Match is required/) as unknown } });
    const etag = (await call({ role: 'viewer' })).headers.get('etag') ?? '';
    expect((await call({ route: '/strict', method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'If-Match': etag } })).status).toBe(200);
  });

  it('answers 413 over maxBodyBytes, 415 to a body that is not JSON or untyped, and 405 with Allow', async () => {
    const big = await call({ route: '/small', method: 'PUT', role: 'admin', body: { personas: [BOB, ANN] } });
    expect(big).toMatchObject({ status: 413, json: { detail: "The request body is larger than 64 bytes: send fewer personas, or raise the handler's maxBodyBytes" } });
    expectDocumented('PUT', big.status, big.json);
    expect(await call({ method: 'PUT', role: 'admin', body: 'x', type: 'text/plain' })).toMatchObject({ status: 415, json: { detail: 'The request body is "text/plain", not JSON: send it as JSON, with Content-Type: application/json' } });
    const untyped = await fetch(`${base}${OPENAPI_PATH}`, { method: 'PUT', headers: { 'x-role': 'admin' }, body: new Uint8Array(Buffer.from('{"personas": []}')) });
    expect([untyped.status, await untyped.json()]).toEqual([415, { detail: 'The request has no Content-Type: send the body as JSON, with Content-Type: application/json' }]);
    const other = await fetch(`${base}${OPENAPI_PATH}`, { method: 'DELETE', headers: { 'x-role': 'admin' } });
    expect([other.status, other.headers.get('allow'), await other.json()]).toEqual([405, 'GET, HEAD, PUT', { detail: 'Method not allowed: use GET, HEAD, PUT' }]);
    expect(onDisk(path)).toEqual([expect.objectContaining(ANN)]);
  });

  it('answers 500 with what to do when the pool cannot be written', async () => {
    const answer = await call({ route: '/blocked', method: 'PUT', role: 'admin', body: { personas: [ANN] } });
    expect(answer.status).toBe(500);
    expect(answer.json.detail).toMatch(/^Cannot write the persona pool .*\(ENOTDIR\)\. Fix the folder's permissions/);
    expectDocumented('PUT', answer.status, answer.json);
  });

  it('releases a GET held by Prefer: wait when an admin writes, with the new pool', async () => {
    const etag = (await call({ role: 'viewer' })).headers.get('etag') ?? '';
    const waiting = call({ role: 'viewer', headers: { 'If-None-Match': etag, Prefer: 'wait=30' } });
    // No duration asserted: a GET arriving after the write would get 200 without Preference-Applied.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const put = await call({ method: 'PUT', role: 'admin', body: { personas: [BOB] } });
    const answer = await waiting;
    expect([answer.status, answer.headers.get('preference-applied'), answer.headers.get('etag')]).toEqual([200, 'wait=30', put.headers.get('etag')]);
    expect(answer.json.personas).toEqual([expect.objectContaining(BOB)]);
  });
});

describe('the fetch handler\'s options', () => {
  it.each([{}, { pool: {} }, { pool: new PersonaPool({ path: '/tmp/x' }), maxBodyBytes: -1 }, { pool: new PersonaPool({ path: '/tmp/x' }), maxWaitSeconds: 1.5 }])('refuses %j, in both forms', (options) => {
    expect(() => createPersonasFetchHandler(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }) as PersonaPoolError);
    expect(() => handlePersonasFetch(new Request('http://x/'), { ...options, user: null } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }) as PersonaPoolError);
  });

  it('refuses a missing options object with INVALID_OPTION, not a TypeError', () => {
    expect(() => handlePersonasFetch(new Request('http://x/'), undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }) as PersonaPoolError);
  });
});
