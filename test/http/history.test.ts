// GET <base>/history and POST <base>/restore on the single-pool handler (core and fetch), with `by`.
import { afterEach, describe, expect, it } from 'vitest';
import { createPersonasFetchHandler, createPersonasHandler, type PersonasRequest, type PersonasResponse } from '../../src/index.js';
import { ADMIN, ANN, BOB, poolAt, poolFile, removeTempFolders, VIEWER } from '../helpers/http.js';

afterEach(removeTempFolders);

const json = (response: PersonasResponse) => JSON.parse(response.body?.toString('utf8') ?? 'null') as Record<string, unknown>;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const JSON_HEADERS = { 'content-type': 'application/json' };

/** A pool with two versions kept: [ANN] (replaced by root-ann), and the empty list before it. */
async function pool() {
  const p = poolAt(poolFile([]));
  const first = await p.replace([ANN], { by: 'root-ann' });
  const second = await p.replace([ANN, BOB], { by: 'root-ann' });
  return { pool: p, first, second };
}

describe('history over HTTP', () => {
  it('GET history: the versions kept, newest first, with who replaced each; HEAD without body; viewers may read', async () => {
    const { pool: p, first } = await pool();
    const handle = createPersonasHandler({ pool: p });
    const response = await handle({ method: 'GET', resource: 'history', user: VIEWER });
    expect(response.status).toBe(200);
    const { history } = json(response) as { history: Record<string, unknown>[] };
    expect(history.map(({ version, count, by }) => [version, count, by])).toEqual([[first.version, 1, 'root-ann'], [expect.any(String), 0, 'root-ann']]);
    expect(history[0]).toEqual(expect.objectContaining({ savedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }));
    const head = await handle({ method: 'HEAD', resource: 'history', user: VIEWER });
    expect([head.status, head.body]).toEqual([200, null]);
    expect((await handle({ method: 'GET', resource: 'history', user: null })).status).toBe(401);
    const post = await handle({ method: 'POST', resource: 'history', user: ADMIN });
    expect([post.status, post.headers['allow']]).toEqual([405, 'GET, HEAD']);
  });

  it('POST restore {version}: answers as a PUT (body, ETag), keeps the replaced version with the admin as by', async () => {
    const { pool: p, first, second } = await pool();
    const handle = createPersonasHandler({ pool: p });
    const response = await handle({ method: 'POST', resource: 'restore', user: ADMIN, rawBody: bytes({ version: first.version }), headers: JSON_HEADERS });
    expect(response.status).toBe(200);
    const body = json(response);
    expect(Object.keys(body).sort()).toEqual(['path', 'personas', 'problem', 'rejected', 'version', 'warnings']);
    expect(body).toMatchObject({ version: first.version, problem: null, rejected: [], warnings: [] });
    expect(response.headers['etag']).toBe(`"${first.version}"`);
    expect((await p.snapshot()).version).toBe(first.version);
    expect((await p.history())[0]).toMatchObject({ version: second.version, by: 'root-ann' });
    const get = await handle({ method: 'GET', user: VIEWER }); // the GET after it sees the restored pool
    expect(json(get)['version']).toBe(first.version);
  });

  it('restore refuses: unknown version 404, stale If-Match 412, bad body 400, wrong method 405, viewer 403, If-Match required 428', async () => {
    const { pool: p, first, second } = await pool();
    const handle = createPersonasHandler({ pool: p });
    const restore = (extra: Partial<PersonasRequest>, body: unknown = { version: first.version }) =>
      handle({ method: 'POST', resource: 'restore', user: ADMIN, rawBody: typeof body === 'string' ? Buffer.from(body) : bytes(body), headers: JSON_HEADERS, ...extra });
    const unknown = await restore({}, { version: 'nope' });
    expect([unknown.status, (json(unknown)['detail'] as string).includes('nope')]).toEqual([404, true]);
    expect((await restore({ headers: { ...JSON_HEADERS, 'if-match': `"${first.version}"` } })).status).toBe(412);
    expect((await restore({}, { versions: 'x' })).status).toBe(400);
    expect((await restore({}, '{not json')).status).toBe(400);
    expect((await restore({ headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await restore({ user: VIEWER })).status).toBe(403);
    const get = await handle({ method: 'GET', resource: 'restore', user: ADMIN });
    expect([get.status, get.headers['allow']]).toEqual([405, 'POST']);
    const strict = createPersonasHandler({ pool: p, requireIfMatch: true });
    const required = await strict({ method: 'POST', resource: 'restore', user: ADMIN, rawBody: bytes({ version: first.version }), headers: JSON_HEADERS });
    expect(required.status).toBe(428);
    expect((await p.snapshot()).version).toBe(second.version); // nothing was written
    const matched = await restore({ headers: { ...JSON_HEADERS, 'if-match': `"${second.version}"` } });
    expect(matched.status).toBe(200);
  });

  it('answers 404 for another resource, and takes by from userName when given', async () => {
    const { pool: p } = await pool();
    const other = await createPersonasHandler({ pool: p })({ method: 'GET', resource: 'versions', user: ADMIN });
    expect([other.status, json(other)]).toEqual([404, { detail: 'Not found' }]);
    const handle = createPersonasHandler({ pool: p, userName: (user) => `id:${String((user as { username?: string }).username)}` });
    const put = await handle({ method: 'PUT', user: ADMIN, rawBody: bytes({ personas: [BOB] }), headers: JSON_HEADERS });
    expect(put.status).toBe(200);
    expect((await p.history())[0]?.by).toBe('id:root-ann');
    expect(() => createPersonasHandler({ pool: p, userName: 'name' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('cuts a long user name to 64 bytes at a character boundary; a pool without history lists none and restores nothing', async () => {
    const { pool: p } = await pool();
    const handle = createPersonasHandler({ pool: p });
    await handle({ method: 'PUT', user: { role: 'admin', name: 'é'.repeat(40) }, rawBody: bytes({ personas: [BOB] }), headers: JSON_HEADERS });
    expect((await p.history())[0]?.by).toBe('é'.repeat(32));
    const minimal = createPersonasHandler({ pool: { snapshot: () => p.snapshot(), replace: (entries, options) => p.replace(entries, options) } });
    expect(json(await minimal({ method: 'GET', resource: 'history', user: VIEWER }))).toEqual({ history: [] });
    const restore = await minimal({ method: 'POST', resource: 'restore', user: ADMIN, rawBody: bytes({ version: 'x' }), headers: JSON_HEADERS });
    expect(restore.status).toBe(404);
  });

  it('the fetch handler serves history and restore (its third argument)', async () => {
    const { pool: p, first } = await pool();
    const handle = createPersonasFetchHandler({ pool: p });
    const history = await handle(new Request('http://localhost/api/v1/realism/personas/history'), VIEWER, { resource: 'history' });
    expect(((await history.json()) as { history: unknown[] }).history).toHaveLength(2);
    const request = new Request('http://localhost/api/v1/realism/personas/restore', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ version: first.version }) });
    const restored = await handle(request, ADMIN, { resource: 'restore' });
    expect([restored.status, restored.headers.get('etag')]).toEqual([200, `"${first.version}"`]);
  });
});
