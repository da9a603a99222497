import fs from 'node:fs';
import { Readable } from 'node:stream';
import { format } from 'node:util';
import createDebug from 'debug';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPersonasHandler, errorResponse, handlePersonasRequest, PersonaPool, type PersonasRequest, type PersonasResponse, type PoolAccess, type PoolSnapshot } from '../../src/index.js';
import { ERROR_STATUS } from '../../src/errors.js';
import { HANDLER_DEFAULTS, replacePersonas } from '../../src/http/handler.js';
import { ADMIN, ANN, BOB, blockedPoolFile, INVALID, onDisk, poolAt, poolFile, removeTempFolders, VIEWER } from '../helpers/http.js';

const JSON_TYPE = 'application/json; charset=utf-8';

afterEach(() => {
  removeTempFolders();
  vi.restoreAllMocks();
});

/** Sends one request to a new handler on the pool at `path`. */
async function send(path: string, request: PersonasRequest, options: { requireIfMatch?: boolean } = {}): Promise<PersonasResponse> {
  return createPersonasHandler({ pool: poolAt(path), ...options })(request);
}

function parsed(response: PersonasResponse): Record<string, unknown> {
  expect(response.headers['content-type']).toBe(JSON_TYPE);
  return JSON.parse(response.body?.toString('utf8') ?? 'null') as Record<string, unknown>;
}

function expectDetail(response: PersonasResponse, status: number, detail: string | RegExp): void {
  expect(response.status).toBe(status);
  expect(parsed(response).detail).toMatch(detail);
}

async function versionOf(path: string): Promise<string> {
  return (await poolAt(path).snapshot()).version;
}

describe('GET and HEAD', () => {
  it('serves the pool to a viewer, with its ETag', async () => {
    const path = poolFile([ANN, INVALID]);
    const response = await send(path, { method: 'GET', user: VIEWER });
    const version = await versionOf(path);
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({ 'content-type': JSON_TYPE, etag: `"${version}"`, 'cache-control': 'no-cache' });
    expect(parsed(response)).toEqual({ path, personas: [expect.objectContaining(ANN)], version, problem: null });
  });

  it('serves it to an admin', async () => {
    const response = await send(poolFile([ANN]), { method: 'GET', user: ADMIN });
    expect(response.status).toBe(200);
  });

  it('serves a missing file as an empty pool', async () => {
    const path = poolFile();
    const response = await send(path, { method: 'GET', user: VIEWER });
    expect(parsed(response)).toEqual({ path, personas: [], version: 'absent', problem: null });
    expect(response.headers.etag).toBe('"absent"');
  });

  it('tells about a file that is not JSON', async () => {
    const path = poolFile();
    fs.writeFileSync(path, '[{"name": ');
    const body = parsed(await send(path, { method: 'GET', user: VIEWER }));
    expect(body.personas).toEqual([]);
    expect(body.problem).toMatchObject({ code: 'INVALID_JSON', message: expect.stringContaining(path) });
  });

  it('tells about a path that cannot be read', async () => {
    const path = blockedPoolFile();
    const body = parsed(await send(path, { method: 'GET', user: VIEWER }));
    expect(body.problem).toMatchObject({ code: 'UNREADABLE', message: expect.stringContaining('ENOTDIR') });
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const path = poolFile([ANN]);
    const response = await send(path, { method: 'HEAD', user: VIEWER });
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': JSON_TYPE, etag: `"${await versionOf(path)}"`, 'cache-control': 'no-cache' },
      body: null,
    });
  });

  it('is always current: a change by another process shows at once', async () => {
    const path = poolFile([ANN]);
    const handle = createPersonasHandler({ pool: poolAt(path) });
    expect(parsed(await handle({ method: 'GET', user: VIEWER })).personas).toHaveLength(1);
    fs.writeFileSync(`${path}.new`, JSON.stringify([ANN, BOB]));
    fs.renameSync(`${path}.new`, path);
    expect(parsed(await handle({ method: 'GET', user: VIEWER })).personas).toHaveLength(2);
  });

  it('shares one snapshot among the GETs of one event-loop turn, and takes a new one the next turn', async () => {
    const pool = poolAt(poolFile([ANN]));
    const handle = createPersonasHandler({ pool });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    await handle({ method: 'GET', user: VIEWER });
    await nextTurn();
    const snapshot = vi.spyOn(pool, 'snapshot');
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => handle({ method: 'GET', user: VIEWER })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(snapshot).toHaveBeenCalledTimes(1);
    // Later in the same turn, once the snapshot is in: answered from it, with the same bytes, and
    // already settled (no promise hop), so it is seen before a microtask queued after the call.
    const order: string[] = [];
    const answered = handle({ method: 'GET', user: VIEWER }).then((late) => (order.push('answer'), late));
    void Promise.resolve().then(() => order.push('next microtask'));
    const late = await answered;
    expect(order).toEqual(['answer', 'next microtask']);
    expect(late.body).toBe(answers[0]?.body);
    expect(snapshot).toHaveBeenCalledTimes(1);
    await nextTurn();
    await handle({ method: 'GET', user: VIEWER });
    expect(snapshot).toHaveBeenCalledTimes(2);
  });

  it('keeps the turn of each pool apart when several are read in one turn', async () => {
    const [one, two] = [poolAt(poolFile([ANN])), poolAt(poolFile([ANN, BOB]))];
    const [handleOne, handleTwo] = [createPersonasHandler({ pool: one }), createPersonasHandler({ pool: two })];
    await Promise.all([one.snapshot(), two.snapshot()]);
    await new Promise((resolve) => setImmediate(resolve));
    const spies = [vi.spyOn(one, 'snapshot'), vi.spyOn(two, 'snapshot')];
    let sameTurn = true;
    setImmediate(() => (sameTurn = false));
    const counts = [];
    for (const handle of [handleOne, handleTwo, handleOne, handleTwo]) counts.push((parsed(await handle({ method: 'GET', user: VIEWER })).personas as unknown[]).length);
    expect(sameTurn).toBe(true);
    expect(counts).toEqual([1, 2, 1, 2]);
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([1, 1]);
  });

  it('shares nothing between two handlers of one pool: each takes its own snapshot per turn, and a PUT through one leaves the other as it was', async () => {
    let version = '1';
    const pool: PoolAccess = {
      snapshot: vi.fn(() => Promise.resolve({ path: '/p', personas: [], version, problem: null })),
      replace: () => ((version = '2'), Promise.resolve({ path: '/p', personas: [], rejected: [], warnings: [], version })),
    };
    const [one, two] = [createPersonasHandler({ pool }), createPersonasHandler({ pool })];
    const etag = async (handle: typeof one, method = 'GET') => (await handle({ method, user: ADMIN, body: { personas: [] } })).headers.etag;
    let sameTurn = true;
    setImmediate(() => (sameTurn = false));
    expect([await etag(one), await etag(two), await etag(one), await etag(two)]).toEqual(['"1"', '"1"', '"1"', '"1"']);
    expect(pool.snapshot).toHaveBeenCalledTimes(2); // one per handler; module state would have made it one
    expect(await etag(one, 'PUT')).toBe('"2"');
    // The PUT ended the turn's snapshot of its own handler only: the other still answers from its own.
    expect([await etag(one), await etag(two)]).toEqual(['"2"', '"1"']);
    expect(sameTurn).toBe(true);
    expect(pool.snapshot).toHaveBeenCalledTimes(3);
  });

  it('one-shot form: the calls on one pool share its turn and its serialized body, as one handler does', async () => {
    const pool = poolAt(poolFile([ANN, BOB]));
    await pool.snapshot();
    await new Promise((resolve) => setImmediate(resolve));
    const snapshot = vi.spyOn(pool, 'snapshot');
    const [first, second] = await Promise.all([1, 2].map(() => handlePersonasRequest({ pool, method: 'GET', user: VIEWER })));
    expect(snapshot).toHaveBeenCalledTimes(1);
    expect(second?.body).toBe(first?.body);
    await new Promise((resolve) => setImmediate(resolve));
    const later = await handlePersonasRequest({ pool, method: 'GET', user: VIEWER });
    expect(snapshot).toHaveBeenCalledTimes(2);
    expect(later.body).toBe(first?.body); // the pool unchanged: the same snapshot, serialized once
  });

  it('takes a new snapshot after a PUT, even within the same turn', async () => {
    const snapshotAt = (version: string): PoolSnapshot => ({ path: '/p', personas: [], version, problem: null });
    let current = snapshotAt('1');
    const pool: PoolAccess = {
      snapshot: vi.fn(() => Promise.resolve(current)),
      replace: () => ((current = snapshotAt('2')), Promise.resolve({ path: '/p', personas: [], rejected: [], warnings: [], version: current.version })),
    };
    const handle = createPersonasHandler({ pool });
    const tagged = async (method: string) => (await handle({ method, user: ADMIN, body: { personas: [] } })).headers.etag;
    let sameTurn = true;
    setImmediate(() => (sameTurn = false));
    expect([await tagged('GET'), await tagged('PUT'), await tagged('GET')]).toEqual(['"1"', '"2"', '"2"']);
    expect(sameTurn).toBe(true);
    expect(pool.snapshot).toHaveBeenCalledTimes(2);
  });

  it('does not serialize an unchanged pool again', async () => {
    const handle = createPersonasHandler({ pool: poolAt(poolFile([ANN, BOB])) });
    const first = await handle({ method: 'GET', user: VIEWER });
    const stringify = vi.spyOn(JSON, 'stringify');
    const second = await handle({ method: 'GET', user: VIEWER });
    expect(stringify).not.toHaveBeenCalled();
    expect(second.body).toBe(first.body);
  });

  it.each([
    ['anonymous', null, 401, 'Could not validate credentials'],
    ['a user without role', { username: 'x' }, 401, 'Could not validate credentials'],
    ['a guest', { role: 'guest' }, 403, 'Insufficient permissions'],
    ['a viewer who must change the password', { ...VIEWER, must_change_password: true }, 403, 'Password change required before accessing this resource'],
  ])('refuses %s', async (_name, user, status, detail) => {
    const response = await send(poolFile([ANN]), { method: 'GET', user });
    expect(response.status).toBe(status);
    expect(parsed(response)).toEqual({ detail });
  });
});

describe('If-None-Match', () => {
  it.each([
    ['the ETag', (v: string) => `"${v}"`],
    ['the weak ETag', (v: string) => `W/"${v}"`],
    ['a list holding it', (v: string) => `"other", W/"${v}" , "third"`],
    ['*', () => '*'],
    ['the bare version', (v: string) => v],
    ['the ETag, padded', (v: string) => ` "${v}"\t`],
    ['a list holding *', () => '"other", *'],
  ])('answers 304 with no body to %s', async (_name, tag) => {
    const path = poolFile([ANN]);
    const version = await versionOf(path);
    for (const method of ['GET', 'HEAD']) {
      const response = await send(path, { method, user: VIEWER, headers: { 'if-none-match': tag(version) } });
      expect(response).toEqual({ status: 304, headers: { etag: `"${version}"`, 'cache-control': 'no-cache' }, body: null });
    }
  });

  it.each(['"stale", W/"older"', '"stale"', 'W/"stale"', '', ' '])('answers 200 to %j', async (tag) => {
    const response = await send(poolFile([ANN]), { method: 'GET', user: VIEWER, headers: { 'if-none-match': tag } });
    expect(response.status).toBe(200);
  });

  it('reads node\'s req.headers as a client sends them', async () => {
    const path = poolFile([ANN]);
    const tag = `"${await versionOf(path)}"`;
    const headers = { host: '127.0.0.1:8080', connection: 'keep-alive', accept: '*/*', 'if-none-match': tag, 'user-agent': 'dashboard' };
    expect((await send(path, { method: 'GET', user: VIEWER, headers })).status).toBe(304);
  });

  it('returns fresh header objects: what the host adds to one response is not in the next', async () => {
    const path = poolFile([ANN]);
    const handle = createPersonasHandler({ pool: poolAt(path) });
    const tag = `"${await versionOf(path)}"`;
    for (const headers of [{}, { 'if-none-match': tag }]) {
      const first = await handle({ method: 'GET', user: VIEWER, headers });
      (first.headers as Record<string, string>)['x-added'] = 'by the host';
      const second = await handle({ method: 'GET', user: VIEWER, headers });
      expect(second.headers).not.toHaveProperty('x-added');
      expect(second.headers).not.toBe(first.headers);
    }
  });

  it('reads headers in any case, repeated, or from a fetch Headers object', async () => {
    const path = poolFile([ANN]);
    const tag = `"${await versionOf(path)}"`;
    const forms = [
      { 'If-None-Match': tag },
      { 'IF-NONE-MATCH': ['"x"', tag] },
      { 'if-none-match': '"x"', 'If-None-Match': tag },
      { 'If-None-Match': '"x"', 'if-none-match': tag },
      new Headers({ 'If-None-Match': tag }),
      new Headers([['if-none-match', '"x"'], ['if-none-match', tag]]),
    ];
    for (const headers of forms) expect((await send(path, { method: 'GET', user: VIEWER, headers })).status).toBe(304);
  });

  it('reads only own headers, not inherited ones', async () => {
    const path = poolFile([ANN]);
    const headers = Object.create({ 'if-none-match': `"${await versionOf(path)}"` }) as Record<string, string>;
    expect((await send(path, { method: 'GET', user: VIEWER, headers })).status).toBe(200);
  });

  it('checks the role before answering 304', async () => {
    const response = await send(poolFile([ANN]), { method: 'GET', user: null, headers: { 'if-none-match': '*' } });
    expect(response.status).toBe(401);
  });
});

describe('PUT', () => {
  it('replaces the pool for an admin and answers the new state', async () => {
    const path = poolFile([ANN]);
    const response = await send(path, { method: 'PUT', user: ADMIN, body: { personas: [BOB] } });
    const version = await versionOf(path);
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({ 'content-type': JSON_TYPE, etag: `"${version}"` });
    expect(parsed(response)).toEqual({ path, personas: [expect.objectContaining(BOB)], rejected: [], warnings: [], version, problem: null });
    expect(Object.keys(parsed(response) as object)).toEqual(['path', 'personas', 'rejected', 'warnings', 'version', 'problem']);
    expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
  });

  it('writes the valid entries and lists the rejected ones', async () => {
    const path = poolFile();
    const response = await send(path, { method: 'PUT', user: ADMIN, body: { personas: [ANN, INVALID, BOB] } });
    const body = parsed(response);
    expect(response.status).toBe(200);
    expect(body.personas).toHaveLength(2);
    expect(body.rejected).toEqual([{ index: 1, issues: [expect.objectContaining({ path: 'email' })] }]);
    expect(onDisk(path)).toEqual([expect.objectContaining(ANN), expect.objectContaining(BOB)]);
  });

  it('answers the warnings by input index, and writes as it would without them', async () => {
    const path = poolFile();
    const typo = { ...BOB, reply_latancy: 'fast', active_hours: '9-5' };
    const twin = { ...ANN, email: ANN.email.toUpperCase() };
    const response = await send(path, { method: 'PUT', user: ADMIN, body: { personas: [ANN, INVALID, typo, twin] } });
    expect(response.status).toBe(200);
    expect(parsed(response).warnings).toEqual([
      { index: 2, path: 'reply_latancy', code: 'UNKNOWN_FIELD', message: 'unknown field "reply_latancy" is ignored; did you mean "reply_latency"?' },
      { index: 2, path: 'active_hours', code: 'BAD_ACTIVE_HOURS', message: expect.stringContaining('will count as always active') },
      { index: 3, path: 'email', code: 'DUPLICATE_EMAIL', message: expect.stringContaining('entry #0') },
    ]);
    const written = onDisk(path) as Record<string, unknown>[];
    expect(written.map((entry) => [entry.reply_latency, entry.active_hours, entry.email])).toEqual([
      ['normal', '09:00-18:00', ANN.email],
      ['normal', '9-5', BOB.email],
      ['normal', '09:00-18:00', twin.email],
    ]);
  });

  it('refuses an all-invalid list with 400, the reasons and the rejected entries', async () => {
    const path = poolFile([ANN]);
    const response = await send(path, { method: 'PUT', user: ADMIN, body: { personas: [INVALID] } });
    expectDetail(response, 400, /validation failed/);
    expect(parsed(response).rejected).toEqual([{ index: 0, issues: [expect.objectContaining({ path: 'email' })] }]);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('accepts an empty list', async () => {
    const path = poolFile([ANN]);
    expect((await send(path, { method: 'PUT', user: ADMIN, body: { personas: [] } })).status).toBe(200);
    expect(onDisk(path)).toEqual([]);
  });

  it.each([
    ['no body', undefined],
    ['null', null],
    ['a string', '{"personas": []}'],
    ['a list', [ANN]],
    ['an object without personas', { people: [ANN] }],
    ['personas as an object', { personas: { 0: ANN } }],
  ])('answers 400 to %s', async (_name, body) => {
    const path = poolFile([ANN]);
    const response = await send(path, { method: 'PUT', user: ADMIN, body });
    expect(response.status).toBe(400);
    expect(parsed(response)).toEqual({ detail: 'body.personas must be a list' });
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('answers 413 to more personas than the pool allows', async () => {
    const path = poolFile([ANN]);
    const handle = createPersonasHandler({ pool: poolAt(path, { maxPersonas: 1 }) });
    expectDetail(await handle({ method: 'PUT', user: ADMIN, body: { personas: [ANN, BOB] } }), 413, /Too many personas/);
  });

  it.each([
    ['anonymous', undefined, 401],
    ['a viewer', VIEWER, 403],
    ['an admin who must change the password', { ...ADMIN, must_change_password: 1 }, 403],
  ])('refuses %s, and checks the role before the body', async (_name, user, status) => {
    const path = poolFile([ANN]);
    expect((await send(path, { method: 'PUT', user, body: 'garbage' })).status).toBe(status);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('answers 500 with an actionable detail when the folder cannot be written', async () => {
    const path = blockedPoolFile();
    const response = await send(path, { method: 'PUT', user: ADMIN, body: { personas: [ANN] } });
    expectDetail(response, 500, /^Cannot write the persona pool .*: a part of the path is a file, not a folder \(ENOTDIR\)/);
    expect(parsed(response).detail).toContain(path);
    expect(parsed(response).detail).toContain('Fix the folder\'s permissions or pass a writable path');
  });
});

describe('If-Match', () => {
  it.each([
    ['the ETag', (v: string) => `"${v}"`],
    ['the weak ETag', (v: string) => `W/"${v}"`],
    ['the bare version', (v: string) => v],
    ['*', () => '*'],
    ['a list holding it', (v: string) => `"stale", "${v}"`],
  ])('writes on %s', async (_name, tag) => {
    const path = poolFile([ANN]);
    const headers = { 'if-match': tag(await versionOf(path)) };
    expect((await send(path, { method: 'PUT', user: ADMIN, body: { personas: [BOB] }, headers })).status).toBe(200);
    expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
  });

  it.each([['a stale ETag', '"stale"'], ['a list without the current one', '"stale", W/"older"']])('answers 412 to %s', async (_name, tag) => {
    const path = poolFile([ANN]);
    const response = await send(path, { method: 'PUT', user: ADMIN, body: { personas: [BOB] }, headers: { 'If-Match': tag } });
    expectDetail(response, 412, /changed since version/);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('takes the ETag of one PUT for the next', async () => {
    const path = poolFile([ANN]);
    const handle = createPersonasHandler({ pool: poolAt(path) });
    const first = await handle({ method: 'PUT', user: ADMIN, body: { personas: [BOB] } });
    const headers = new Headers({ 'if-match': first.headers.etag ?? '' });
    expect((await handle({ method: 'PUT', user: ADMIN, body: { personas: [ANN] }, headers })).status).toBe(200);
    expect((await handle({ method: 'PUT', user: ADMIN, body: { personas: [BOB] }, headers })).status).toBe(412);
  });

  describe('with requireIfMatch', () => {
    it.each([['no If-Match', {}], ['a blank If-Match', { 'if-match': ' ' }]])('answers 428 to a PUT with %s', async (_name, headers) => {
      const path = poolFile([ANN]);
      const response = await send(path, { method: 'PUT', user: ADMIN, body: { personas: [BOB] }, headers }, { requireIfMatch: true });
      expectDetail(response, 428, /If-Match is required/);
      expect(onDisk(path)).toEqual([ANN]);
    });

    it('writes with the current ETag, and answers 401 before 428', async () => {
      const path = poolFile([ANN]);
      const headers = { 'if-match': `"${await versionOf(path)}"` };
      const request = { method: 'PUT', user: ADMIN, body: { personas: [BOB] }, headers };
      expect((await send(path, request, { requireIfMatch: true })).status).toBe(200);
      expect((await send(path, { ...request, user: null, headers: {} }, { requireIfMatch: true })).status).toBe(401);
    });

    it('does not change GET', async () => {
      expect((await send(poolFile([ANN]), { method: 'GET', user: VIEWER }, { requireIfMatch: true })).status).toBe(200);
    });
  });
});

describe('other methods and failures', () => {
  it.each(['POST', 'DELETE', 'PATCH', 'OPTIONS', 'get', ''])('answers 405 with Allow to %j', async (method) => {
    const response = await send(poolFile([ANN]), { method, user: ADMIN, body: { personas: [BOB] } });
    expect(response.status).toBe(ERROR_STATUS.METHOD_NOT_ALLOWED);
    expect(response.headers).toEqual({ 'content-type': JSON_TYPE, allow: 'GET, HEAD, PUT' });
    expect(parsed(response)).toEqual({ detail: 'Method not allowed: use GET, HEAD, PUT' });
  });

  it('answers 405 before the role, and adds Allow to no other error', async () => {
    expect((await send(poolFile([ANN]), { method: 'DELETE', user: null })).status).toBe(405);
    expect((await send(poolFile([ANN]), { method: 'GET', user: null })).headers).not.toHaveProperty('allow');
  });

  it('answers 500 "Internal error" to an unexpected exception, without its message or stack', async () => {
    const failing: PoolAccess = {
      snapshot: () => Promise.reject(new TypeError('secret: /srv/internal/thing is broken')),
      replace: () => Promise.reject(new RangeError('secret too')),
    };
    const handle = createPersonasHandler({ pool: failing });
    for (const request of [{ method: 'GET', user: VIEWER }, { method: 'PUT', user: ADMIN, body: { personas: [] } }]) {
      const response = await handle(request);
      expect(response).toEqual({ status: 500, headers: { 'content-type': JSON_TYPE }, body: Buffer.from('{"detail":"Internal error"}') });
    }
  });

  it('answers 500 when the pool throws instead of returning a promise', async () => {
    const throwing = { snapshot: () => { throw new TypeError('not a promise'); }, replace: () => Promise.resolve() } as unknown as PoolAccess;
    const response = await createPersonasHandler({ pool: throwing })({ method: 'GET', user: VIEWER });
    expect(response.status).toBe(500);
    expect(parsed(response)).toEqual({ detail: 'Internal error' });
  });

  it('answers 500 to a malformed request object instead of throwing', async () => {
    const handle = createPersonasHandler({ pool: poolAt(poolFile()) });
    expect((await handle(null as unknown as PersonasRequest)).status).toBe(500);
  });

  it.each([
    ['no options', undefined],
    ['no pool', {}],
    ['a pool without replace', { pool: { snapshot: () => undefined } }],
    ['a non-boolean requireIfMatch', { pool: new PersonaPool({ path: '/nowhere' }), requireIfMatch: 'yes' }],
    ['a null requireIfMatch', { pool: new PersonaPool({ path: '/nowhere' }), requireIfMatch: null }],
    ['a negative maxBodyBytes', { pool: new PersonaPool({ path: '/nowhere' }), maxBodyBytes: -1 }],
    ['a fractional maxBodyBytes', { pool: new PersonaPool({ path: '/nowhere' }), maxBodyBytes: 1.5 }],
    ['a maxBodyBytes as text', { pool: new PersonaPool({ path: '/nowhere' }), maxBodyBytes: '1024' }],
    ['a NaN maxBodyBytes', { pool: new PersonaPool({ path: '/nowhere' }), maxBodyBytes: Number.NaN }],
  ])('refuses %s with INVALID_OPTION', (_name, options) => {
    expect(() => createPersonasHandler(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => handlePersonasRequest({ ...(options as object), method: 'GET', user: VIEWER } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('returns a named handler', () => {
    expect(createPersonasHandler({ pool: new PersonaPool({ path: '/nowhere' }) }).name).toBe('handlePersonas');
  });

  it('builds error responses in the wire format', () => {
    expect(errorResponse(413, 'Request body too large')).toEqual({
      status: 413,
      headers: { 'content-type': JSON_TYPE },
      body: Buffer.from('{"detail":"Request body too large"}'),
    });
  });
});

describe('PUT with rawBody', () => {
  const JSON_HEADERS = { 'content-type': 'application/json' };
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

  it.each([
    ['bytes', () => bytes({ personas: [BOB] })],
    ['a node stream', () => Readable.from([bytes({ personas: [BOB] })])],
    ['a fetch body', () => new Response(bytes({ personas: [BOB] })).body],
  ])('reads, parses and writes %s', async (_name, rawBody) => {
    const path = poolFile([ANN]);
    const response = await send(path, { method: 'PUT', user: ADMIN, rawBody: rawBody(), headers: JSON_HEADERS });
    expect(response.status).toBe(200);
    expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
  });

  it('reads rawBody, not body, when both are given', async () => {
    const path = poolFile([ANN]);
    await send(path, { method: 'PUT', user: ADMIN, body: { personas: [ANN] }, rawBody: bytes({ personas: [BOB] }), headers: JSON_HEADERS });
    expect(onDisk(path)).toEqual([expect.objectContaining(BOB)]);
  });

  it.each([
    ['a body that is not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), JSON_HEADERS, 400, 'The request body is not valid UTF-8: send the JSON encoded as UTF-8'],
    ['a name that is not UTF-8', Buffer.concat([Buffer.from('{"personas": [{"name": "Ann'), Buffer.from([0xc3, 0x28]), Buffer.from('", "email": "a@b.c", "role": "x"}]}')]), JSON_HEADERS, 400, /not valid UTF-8/],
    ['a body that is not JSON', Buffer.from('{"personas": ['), JSON_HEADERS, 400, /^The request body is not valid JSON \(line 1, column 15\)/],
    ['an empty body', Buffer.alloc(0), JSON_HEADERS, 400, /^The request body is empty/],
    ['no body at all', null, JSON_HEADERS, 400, /^The request body is empty/],
    ['null', Buffer.from('null'), JSON_HEADERS, 400, 'body.personas must be a list'],
    ['a list', bytes([ANN]), JSON_HEADERS, 400, 'body.personas must be a list'],
    ['text/plain', bytes({ personas: [BOB] }), { 'content-type': 'text/plain' }, 415, /^The request body is "text\/plain", not JSON/],
    ['no Content-Type', bytes({ personas: [BOB] }), {}, 415, /^The request has no Content-Type/],
  ])('refuses %s and leaves the pool as it was', async (_name, rawBody, headers, status, detail) => {
    const path = poolFile([ANN]);
    expectDetail(await send(path, { method: 'PUT', user: ADMIN, rawBody, headers }), status, detail);
    expect(onDisk(path)).toEqual([ANN]);
  });

  it('checks the role, then If-Match, then the Content-Type', async () => {
    const path = poolFile([ANN]);
    const request = { method: 'PUT', rawBody: bytes({}), headers: { 'content-type': 'text/plain' } };
    expect((await send(path, { ...request, user: null })).status).toBe(401);
    expect((await send(path, { ...request, user: VIEWER })).status).toBe(403);
    expect((await send(path, { ...request, user: ADMIN }, { requireIfMatch: true })).status).toBe(428);
    expect((await send(path, { ...request, user: ADMIN })).status).toBe(415);
  });

  it('reads no body but a PUT\'s, and none of a refused PUT', async () => {
    const path = poolFile([ANN]);
    for (const [method, user] of [['GET', VIEWER], ['HEAD', VIEWER], ['DELETE', ADMIN], ['PUT', VIEWER]] as const) {
      let read = false;
      const rawBody = new Readable({ read: () => void (read = true) });
      await send(path, { method, user, rawBody, headers: JSON_HEADERS });
      expect(read).toBe(false);
    }
  });

  it('answers 413 over maxBodyBytes, declared or read', async () => {
    const path = poolFile([ANN]);
    const handle = createPersonasHandler({ pool: poolAt(path), maxBodyBytes: 20 });
    const body = bytes({ personas: [BOB] });
    const detail = "The request body is larger than 20 bytes: send fewer personas, or raise the handler's maxBodyBytes";
    expectDetail(await handle({ method: 'PUT', user: ADMIN, rawBody: body, headers: JSON_HEADERS }), 413, detail);
    expectDetail(await handle({ method: 'PUT', user: ADMIN, rawBody: Readable.from([body]), headers: { ...JSON_HEADERS, 'content-length': '21' } }), 413, detail);
    expect((await handle({ method: 'PUT', user: ADMIN, rawBody: bytes({ personas: [] }), headers: JSON_HEADERS })).status).toBe(200);
  });
});

describe('options', () => {
  it('has its defaults in HANDLER_DEFAULTS', () => {
    expect(HANDLER_DEFAULTS).toEqual({ requireIfMatch: false, maxBodyBytes: 16 * 1024 * 1024, maxWaitSeconds: 30 });
  });

  /** The two forms of the handler on the pool at `path`, with `options`. */
  const forms = (path: string, options: { requireIfMatch?: boolean | undefined; maxBodyBytes?: number | undefined }) => [
    createPersonasHandler({ pool: poolAt(path), ...options }),
    (request: PersonasRequest) => handlePersonasRequest({ pool: poolAt(path), ...options, ...request }),
  ];

  it('takes an undefined requireIfMatch as its default, false', async () => {
    const path = poolFile([ANN]);
    for (const handle of forms(path, { requireIfMatch: undefined })) {
      expect((await handle({ method: 'PUT', user: ADMIN, body: { personas: [BOB] } })).status).toBe(200);
    }
  });

  it('takes an undefined maxBodyBytes as its default, 16 MiB', async () => {
    const path = poolFile([ANN]);
    const rawBody = () => Buffer.from('{"personas": []}');
    for (const handle of forms(path, { maxBodyBytes: undefined })) {
      const at = (length: number) => handle({ method: 'PUT', user: ADMIN, rawBody: rawBody(), headers: { 'content-type': 'application/json', 'content-length': String(length) } });
      expect((await at(16 * 1024 * 1024)).status).toBe(200);
      expect((await at(16 * 1024 * 1024 + 1)).status).toBe(413);
    }
  });

  it('takes every option undefined at once', async () => {
    const path = poolFile([ANN]);
    for (const handle of forms(path, { requireIfMatch: undefined, maxBodyBytes: undefined })) {
      expect((await handle({ method: 'GET', user: VIEWER })).status).toBe(200);
    }
  });

  it('keeps the options it was made with, whatever the caller changes later', async () => {
    const path = poolFile([ANN]);
    const options = { pool: poolAt(path), requireIfMatch: true as boolean };
    const handle = createPersonasHandler(options);
    options.requireIfMatch = false;
    expect((await handle({ method: 'PUT', user: ADMIN, body: { personas: [BOB] } })).status).toBe(428);
  });
});

describe('handlePersonasRequest', () => {
  it('handles one request with the options in it', async () => {
    const path = poolFile([ANN]);
    const pool = poolAt(path);
    expect((await handlePersonasRequest({ pool, method: 'PUT', user: ADMIN, body: { personas: [BOB] } })).status).toBe(200);
    expect(parsed(await handlePersonasRequest({ pool, method: 'GET', user: VIEWER })).personas).toEqual([expect.objectContaining(BOB)]);
    expect((await handlePersonasRequest({ pool, requireIfMatch: true, method: 'PUT', user: ADMIN, body: { personas: [] } })).status).toBe(428);
  });
});

describe('replacePersonas', () => {
  it('replaces, returning what was written', async () => {
    const path = poolFile([ANN]);
    const result = await replacePersonas({ pool: poolAt(path), user: ADMIN, body: { personas: [BOB, INVALID] } });
    expect(result).toEqual({ path, personas: [expect.objectContaining(BOB)], rejected: [expect.objectContaining({ index: 1 })], warnings: [], version: await versionOf(path) });
  });

  it('honours ifMatch', async () => {
    const path = poolFile([ANN]);
    const request = { pool: poolAt(path), user: ADMIN, body: { personas: [BOB] } };
    await expect(replacePersonas({ ...request, ifMatch: 'stale' })).rejects.toMatchObject({ code: 'VERSION_MISMATCH', status: 412 });
    await expect(replacePersonas({ ...request, ifMatch: await versionOf(path) })).resolves.toMatchObject({ personas: [BOB] });
  });

  it('refuses a non-admin and a body without a list', async () => {
    const pool = poolAt(poolFile());
    await expect(replacePersonas({ pool, user: VIEWER, body: { personas: [] } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(replacePersonas({ pool, user: ADMIN, body: {} })).rejects.toMatchObject({ code: 'NOT_A_LIST', status: 400, message: 'body.personas must be a list' });
  });

  it('logs each write with the user, the count and the path', async () => {
    const lines: string[] = [];
    const namespaces = createDebug.disable();
    createDebug.enable('persona-pool:http');
    vi.spyOn(createDebug, 'log').mockImplementation((...args: unknown[]) => void lines.push(format(...args)));
    try {
      const path = poolFile();
      await replacePersonas({ pool: poolAt(path), user: ADMIN, body: { personas: [ANN, BOB, INVALID] } });
      await replacePersonas({ pool: poolAt(path), user: { id: 7, role: 'admin' }, body: { personas: [ANN] } });
      await replacePersonas({ pool: poolAt(path), user: { role: 'admin' }, body: { personas: [] } });
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(new RegExp(`persona-pool:http "root-ann \\(admin\\)" replaced ${path}: 2 personas written, 1 rejected`));
      expect(lines[1]).toContain('"7 (admin)" replaced');
      expect(lines[2]).toContain('"(admin)" replaced');
    } finally {
      createDebug.enable(namespaces);
    }
  });
});
