// createPoolsHandler / createPoolsFetchHandler: named pools, resolved by the host, kept in an LRU.
import { describe, expect, it } from 'vitest';
import type { MemoryStore} from '../../src/index.js';
import { createPoolsFetchHandler, createPoolsHandler, memoryStore, PersonaPoolError, type PoolsHandlerOptions, type PoolsRequest, type PersonasResponse } from '../../src/index.js';
import { ADMIN, ANN, BOB, VIEWER } from '../helpers/http.js';

const json = (response: PersonasResponse) => JSON.parse(response.body?.toString('utf8') ?? 'null') as Record<string, unknown>;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Topologies 1..n, each a memory pool; counts what the handler resolves, opens and closes. */
function topologies(n = 3, options: Partial<PoolsHandlerOptions> = {}) {
  const roots = new Map<string, MemoryStore>(Array.from({ length: n }, (_, i) => [`topology:${i + 1}`, memoryStore({ name: `topology:${i + 1}` })]));
  const seen = { resolved: [] as string[], opened: [] as string[], closed: [] as string[] };
  const handle = createPoolsHandler({
    resolve: async (id) => {
      seen.resolved.push(id);
      if (!/^\d+$/.test(id)) throw new Error(`invalid input syntax for type integer: "${id}"`); // as pg says
      const number = Number(id);
      return number <= n ? { storeName: `topology:${id}`, languageDefault: number === 2 ? 'de' : 'en', fields: { topology_id: number, topology_name: `Topology ${id}` } } : undefined;
    },
    storeFor: (name) => {
      seen.opened.push(name);
      const store = (roots.get(name) as MemoryStore).twin();
      const close = store.close.bind(store);
      return Object.assign(store, { close: () => (seen.closed.push(name), close()) });
    },
    ...options,
  });
  return { handle, seen };
}

const get = (id: string, extra: Partial<PoolsRequest> = {}): PoolsRequest => ({ id, method: 'GET', user: VIEWER, ...extra });
const put = (id: string, personas: unknown[], extra: Partial<PoolsRequest> = {}): PoolsRequest => ({ id, method: 'PUT', user: ADMIN, rawBody: bytes({ personas }), headers: JSON_HEADERS, ...extra });

describe('createPoolsHandler', () => {
  it('serves each pool as the original does: { topology_id, topology_name, language_default, personas }, its own language, ETag and 304', async () => {
    const { handle } = topologies();
    expect((await handle(put('2', [ANN]))).status).toBe(200);
    const response = await handle(get('2'));
    expect(response.status).toBe(200);
    const body = json(response);
    expect(Object.keys(body)).toEqual(['topology_id', 'topology_name', 'language_default', 'personas']);
    expect(body).toMatchObject({ topology_id: 2, topology_name: 'Topology 2', language_default: 'de' });
    expect((body['personas'] as { language: string }[])[0]?.language).toBe('de');
    const etag = response.headers['etag'] as string;
    expect((await handle(get('2', { headers: { 'if-none-match': etag } }))).status).toBe(304);
    expect(json(await handle(get('1')))).toEqual({ topology_id: 1, topology_name: 'Topology 1', language_default: 'en', personas: [] });
    expect((await handle(get('2', { method: 'HEAD' }))).body).toBeNull();
    await handle.close();
  });

  it('answers an unknown id 404 and a malformed one 400, in JSON, opening no pool; a PersonaPoolError of resolve keeps its status', async () => {
    const { handle, seen } = topologies();
    const unknown = await handle(get('9'));
    expect([unknown.status, unknown.headers['content-type'], json(unknown)['detail']]).toEqual([404, 'application/json; charset=utf-8', 'No pool "9": check the id in the path']);
    const malformed = await handle(get('abc'));
    expect([malformed.status, json(malformed)]).toEqual([400, { detail: 'Malformed pool id "abc": check the id in the path' }]);
    expect(seen.opened).toEqual([]);
    expect(handle.open).toBe(0);
    const refusing = createPoolsHandler({ resolve: () => Promise.reject(new PersonaPoolError('STORE_UNAVAILABLE', 'The topology table cannot be read: try again')) });
    const down = await refusing(get('1'));
    expect([down.status, json(down)]).toEqual([503, { detail: 'The topology table cannot be read: try again' }]);
  });

  it('checks the resource, the method and the role before resolving the id', async () => {
    const { handle, seen } = topologies();
    expect((await handle(get('1', { user: null }))).status).toBe(401);
    const del = await handle(get('1', { method: 'DELETE' }));
    expect([del.status, del.headers['allow']]).toEqual([405, 'GET, HEAD, PUT']);
    expect((await handle(get('1', { resource: 'other' }))).status).toBe(404);
    expect(seen.resolved).toEqual([]);
    expect((await handle(put('1', [ANN], { user: VIEWER }))).status).toBe(403);
    expect((await handle(put('1', [ANN], { headers: { 'content-type': 'text/plain' } }))).status).toBe(415);
    const { handle: small } = topologies(1, { maxBodyBytes: 10 });
    expect((await small(put('1', [ANN]))).status).toBe(413);
    const { handle: strict } = topologies(1, { requireIfMatch: true });
    expect((await strict(put('1', [ANN]))).status).toBe(428);
  });

  it('PUT takes { personas }; a stale If-Match is 412; a GET asked to wait is answered when another request writes', async () => {
    const { handle } = topologies();
    const written = json(await handle(put('1', [ANN])));
    const stale = await handle(put('1', [BOB], { headers: { ...JSON_HEADERS, 'if-match': '"old"' } }));
    expect(stale.status).toBe(412);
    const held = handle(get('1', { headers: { 'if-none-match': `"${String(written['version'])}"`, prefer: 'wait=10' } }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await handle(put('1', [ANN, BOB]))).status).toBe(200);
    const answer = await held;
    expect([answer.status, answer.headers['preference-applied']]).toEqual([200, 'wait=10']);
    expect((json(answer)['personas'] as unknown[]).length).toBe(2);
    await handle.close();
  });

  it('serves history and restore per pool, with who replaced each version', async () => {
    const { handle } = topologies();
    const first = json(await handle(put('1', [ANN])));
    await handle(put('1', [ANN, BOB]));
    await handle(put('2', [BOB]));
    const history = json(await handle(get('1', { resource: 'history' }))) as { history: { version: string; by?: string }[] };
    expect(history.history.map(({ version, by }) => [version, by])).toEqual([[first['version'], 'root-ann']]);
    const restored = await handle({ id: '1', resource: 'restore', method: 'POST', user: ADMIN, rawBody: bytes({ version: first['version'] }), headers: JSON_HEADERS });
    expect([restored.status, json(restored)['version']]).toEqual([200, first['version']]);
    expect((json(await handle(get('1')))['personas'] as unknown[]).length).toBe(1);
    expect((await handle({ id: '2', resource: 'restore', method: 'POST', user: ADMIN, rawBody: bytes({ version: first['version'] }), headers: JSON_HEADERS })).status).toBe(404);
    await handle.close();
  });

  it('keeps at most maxOpen pools: the least recently used is closed (a GET it held answered), and opened again when asked', async () => {
    const { handle, seen } = topologies(3, { maxOpen: 2 });
    const version = json(await handle(put('1', [ANN])))['version'] as string;
    const held = handle(get('1', { headers: { 'if-none-match': `"${version}"`, prefer: 'wait=20' } }));
    await handle(get('2'));
    await handle(get('1', { method: 'HEAD' })); // 1 is now the most recently used
    await handle(get('3')); // evicts 2
    expect(handle.open).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.closed).toEqual(['topology:2']);
    await handle(get('2')); // evicts 1, whose held GET ends
    expect((await held).status).toBe(304);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.closed).toEqual(['topology:2', 'topology:1']);
    expect(seen.resolved.filter((id) => id === '2')).toHaveLength(2);
    expect((json(await handle(get('1')))['personas'] as unknown[]).length).toBe(1); // reopened, same content
    await handle.close();
    expect(seen.closed.sort()).toEqual(['topology:1', 'topology:1', 'topology:2', 'topology:2', 'topology:3']);
    expect(handle.open).toBe(0);
  });

  it('answers 500 in JSON when resolve gives no store and there is no storeFor', async () => {
    const handle = createPoolsHandler({ resolve: () => ({ fields: {} }) });
    const response = await handle(get('1'));
    expect([response.status, json(response)['detail']]).toEqual([500, 'The pool 1 has no store: resolve must give one, or the pools handler needs storeFor']);
  });

  it('checks its options once', () => {
    expect(() => createPoolsHandler({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => createPoolsHandler({ resolve: () => undefined, maxOpen: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => createPoolsHandler({ resolve: () => undefined, maxBodyBytes: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => createPoolsHandler({ resolve: () => undefined, storeFor: 'x' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('has a fetch twin: (request, user, { id, resource }) => Response', async () => {
    const store = memoryStore();
    const handle = createPoolsFetchHandler({ resolve: (id) => (id === 'a' ? { store, fields: { id } } : undefined) });
    const putRequest = new Request('http://localhost/pools/a/personas', { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ personas: [ANN] }) });
    expect((await handle(putRequest, ADMIN, { id: 'a' })).status).toBe(200);
    const response = await handle(new Request('http://localhost/pools/a/personas'), VIEWER, { id: 'a' });
    expect(Object.keys((await response.json()) as object)).toEqual(['id', 'language_default', 'personas']);
    expect((await handle(new Request('http://localhost/pools/b/personas'), VIEWER, { id: 'b' })).status).toBe(404);
    const history = await handle(new Request('http://localhost/pools/a/personas/history'), VIEWER, { id: 'a', resource: 'history' });
    expect(history.status).toBe(200);
    await handle.close();
  });
});
