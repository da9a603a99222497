// The named-pools recipes of docs/http.md — node:http, Express 5, Fastify 5, Hono 4 — run exactly as
// documented, as child processes on 127.0.0.1, with the documented stand-ins (auth.mjs, topologies.mjs).
// Each expectation is written once and checked against every recipe.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, BOB } from '../helpers/http.js';
import { documented, recipeFolder, runRecipe, type RunningRecipe } from '../helpers/http-recipes.js';
import { tempDir } from '../helpers/common.js';

const JSON_TYPE = 'application/json; charset=utf-8';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

async function call(url: string, { method = 'GET', role, body, headers = {} }: { method?: string; role?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const sent: Record<string, string> = { ...headers, ...(role === undefined ? {} : { 'x-demo-role': role }) };
  const init = body === undefined ? { method, headers: sent } : { method, headers: { 'content-type': 'application/json', ...sent }, body: JSON.stringify(body) };
  const response = await fetch(url, init);
  const text = await response.text();
  if (text !== '') expect(response.headers.get('content-type')).toBe(JSON_TYPE);
  return { status: response.status, headers: response.headers, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

let folder = '';
let pools = '';
beforeAll(() => {
  folder = recipeFolder();
  fs.writeFileSync(join(folder, 'topologies.mjs'), documented('topologies'));
  pools = tempDir();
  process.env['POOLS_DIR'] = pools; // the recipes' children inherit it
});
afterAll(() => {
  delete process.env['POOLS_DIR'];
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(pools, { recursive: true, force: true });
});

describe.each([
  { name: 'node:http', recipe: 'pools-node-http', topology: 1 },
  { name: 'Express 5', recipe: 'pools-express', topology: 2 },
  { name: 'Fastify 5', recipe: 'pools-fastify', topology: 1 },
  { name: 'Hono 4', recipe: 'pools-hono', topology: 2 },
])('named pools in $name, as documented', ({ recipe, topology }) => {
  let server: RunningRecipe;
  let base = '';
  let url = '';

  beforeAll(async () => {
    for (const name of fs.readdirSync(pools)) fs.rmSync(join(pools, name), { recursive: true, force: true });
    server = await runRecipe(folder, recipe, documented(recipe), join(pools, 'unused.json'));
    base = `http://127.0.0.1:${server.port}`;
    url = `${base}/topologies/${topology}/personas`;
  });
  afterAll(() => server?.stop());

  it('serves a topology as { topology_id, topology_name, language_default, personas }, with its ETag; PUT takes { personas }', async () => {
    const written = await call(url, { method: 'PUT', role: 'admin', body: { personas: [ANN] } });
    expect(written.status).toBe(200);
    const read = await call(url, { role: 'viewer' });
    expect(read.status).toBe(200);
    expect(Object.keys(read.json)).toEqual(['topology_id', 'topology_name', 'language_default', 'personas']);
    const language = topology === 2 ? 'de' : 'en';
    expect(read.json).toMatchObject({ topology_id: topology, language_default: language, personas: [expect.objectContaining({ ...ANN, language })] });
    expect(read.headers.get('etag')).toBe(`"${String(written.json['version'])}"`);
    expect((await call(url, { role: 'viewer', headers: { 'if-none-match': read.headers.get('etag') as string } })).status).toBe(304);
  });

  it('answers in JSON, without an ETag of the framework: unknown 404, malformed 400, 405 with Allow, 412, 401, other paths 404', async () => {
    const cases: [string, { method?: string; role?: string; body?: unknown; headers?: Record<string, string> }, number][] = [
      [`${base}/topologies/9/personas`, { role: 'viewer' }, 404],
      [`${base}/topologies/abc/personas`, { role: 'viewer' }, 400],
      [url, { method: 'DELETE', role: 'admin' }, 405],
      [url, { method: 'PUT', role: 'admin', body: { personas: [BOB] }, headers: { 'if-match': '"stale"' } }, 412],
      [url, {}, 401],
      [url, { method: 'PUT', role: 'viewer', body: { personas: [BOB] } }, 403],
      [`${url}/elsewhere`, { role: 'viewer' }, 404],
      [`${base}/topologies`, { role: 'viewer' }, 404],
    ];
    for (const [target, init, status] of cases) {
      const answer = await call(target, init);
      expect([target, answer.status, typeof answer.json['detail'], answer.headers.get('etag')]).toEqual([target, status, 'string', null]);
    }
    expect((await call(url, { method: 'DELETE', role: 'admin' })).headers.get('allow')).toBe('GET, HEAD, PUT');
    expect((await call(`${base}/topologies/abc/personas`, { role: 'viewer' })).json['detail']).toBe('Malformed pool id "abc": check the id in the path');
  });

  it('serves history and restore: who replaced each version, and an undo', async () => {
    const first = await call(url, { method: 'PUT', role: 'admin', body: { personas: [ANN] } });
    await call(url, { method: 'PUT', role: 'admin', body: { personas: [ANN, BOB] } });
    const history = await call(`${url}/history`, { role: 'viewer' });
    expect(history.status).toBe(200);
    const [newest] = history.json['history'] as { version: string; by?: string }[];
    expect(newest).toMatchObject({ version: first.json['version'], by: 'demo' });
    const restored = await call(`${url}/restore`, { method: 'POST', role: 'admin', body: { version: first.json['version'] } });
    expect([restored.status, restored.headers.get('etag')]).toEqual([200, `"${String(first.json['version'])}"`]);
    expect((await call(`${url}/restore`, { method: 'POST', role: 'admin', body: { version: 'nope' } })).status).toBe(404);
    expect((await call(`${url}/restore`, { method: 'POST', role: 'viewer', body: { version: 'nope' } })).status).toBe(403);
    const get = await call(`${url}/restore`, { role: 'admin' });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('holds a GET asked to wait until another request writes', async () => {
    const now = await call(url, { role: 'viewer' });
    const held = call(url, { role: 'viewer', headers: { 'if-none-match': now.headers.get('etag') as string, prefer: 'wait=10' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await call(url, { method: 'PUT', role: 'admin', body: { personas: [BOB] } });
    const answer = await held;
    expect([answer.status, answer.headers.get('preference-applied')]).toEqual([200, 'wait=10']);
    expect(answer.json['personas']).toEqual([expect.objectContaining(BOB)]);
    expect(server.child.exitCode).toBeNull();
  });
});
