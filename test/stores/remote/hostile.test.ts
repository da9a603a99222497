// The remote store against hostile or broken servers on 127.0.0.1: every bad answer is a typed
// STORE_UNAVAILABLE (or ACCESS_DENIED), nothing crashes, nothing is buffered past maxBytes, and with
// a cache file the pool keeps serving the previous content (problem CACHED).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PersonaPool, versionOf } from '../../../src/index.js';
import { remoteStore } from '../../../src/stores/remote/index.js';
import { debugLines, failure, persona, tempDir } from '../../helpers/common.js';

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server whose behaviour the test sets (and may change); it counts requests and keeps their headers. */
async function serve(initial: Behaviour): Promise<{ url: string; origin: string; set: (next: Behaviour) => void; seen: http.IncomingHttpHeaders[] }> {
  let behaviour = initial;
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    behaviour(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/api/v1/realism/personas`, origin, set: (next) => (behaviour = next), seen };
}

const GOOD = Buffer.from(`${JSON.stringify([persona(1)])}\n`);

/** Serves `bytes` as the stored bytes, with their version as ETag, honouring If-None-Match. */
function bytes(content: Buffer = GOOD): Behaviour {
  const etag = `"${versionOf(content)}"`;
  return (req, res) => {
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', etag, 'content-length': String(content.length) }).end(req.method === 'HEAD' ? undefined : content);
  };
}

const HOSTILE: Record<string, { behaviour: Behaviour; says: RegExp }> = {
  'a slow-loris answer': {
    behaviour: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"x"' });
      const timer = setInterval(() => res.write('['), 100);
      res.on('close', () => clearInterval(timer));
    },
    says: /did not answer within 400 ms/,
  },
  'a 10 GB Content-Length': {
    behaviour: (_req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"x"', 'content-length': String(10 * 1024 ** 3) }).write('[[[['),
    says: /over maxBytes \(65536\)/,
  },
  'an endless chunked body': {
    behaviour: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"x"' });
      const chunk = Buffer.alloc(16 * 1024, 32);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    },
    says: /over maxBytes \(65536\)/,
  },
  'invalid JSON as JSON (an API without the bytes representation)': {
    behaviour: (_req, res) => void res.writeHead(200, { 'content-type': 'application/json', etag: '"x"' }).end('{not json'),
    says: /does not serve the stored bytes/,
  },
  'bytes that do not match their ETag': {
    behaviour: (_req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"x"' }).end('{"personas": 5}'),
    says: /does not match its ETag/,
  },
  'a 304 to a request without If-None-Match': {
    behaviour: (_req, res) => void res.writeHead(304, { etag: '"x"' }).end(),
    says: /304 to a request without If-None-Match/,
  },
  'a 500': {
    behaviour: (_req, res) => void res.writeHead(500, { 'content-type': 'application/json' }).end('{"detail":"Internal error"}'),
    says: /answered 500: Internal error/,
  },
};

describe('remote store: hostile servers', () => {
  for (const [name, { behaviour, says }] of Object.entries(HOSTILE)) {
    it(`${name}: a typed STORE_UNAVAILABLE; with a cache file, the previous content kept as CACHED`, async () => {
      const api = await serve(bytes());
      const cacheFile = join(tempDir(), 'cache.json');
      const store = remoteStore({ url: api.url, maxBytes: 65536, cacheFile });
      const pool = new PersonaPool({ store });
      expect(await pool.load()).toHaveLength(1);
      api.set(behaviour);
      const bare = remoteStore({ url: api.url, timeoutMs: 400, maxBytes: 65536 });
      const error = await failure(bare.read(undefined, { maxBytes: 65536 }));
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
      expect(error.message).toMatch(says);
      const snapshot = await new PersonaPool({ store: remoteStore({ url: api.url, timeoutMs: 400, maxBytes: 65536, cacheFile }) }).snapshot();
      expect(snapshot.personas).toHaveLength(1);
      expect(snapshot.problem?.code).toBe('CACHED');
      expect(snapshot.problem?.message).toMatch(/meanwhile serving the last known good content of remote:http.*, received 20\d\d-/);
    });
  }

  it('a 200 with a non-list in the stored bytes: the pool reports NOT_A_LIST, no crash', async () => {
    const api = await serve(bytes(Buffer.from('{"personas": 5}')));
    const snapshot = await new PersonaPool({ store: remoteStore({ url: api.url }) }).snapshot();
    expect(snapshot).toMatchObject({ personas: [], problem: { code: 'NOT_A_LIST' } });
  });

  it('does not follow a redirect to another origin, and sends it no header; follows one on the same origin', async () => {
    const elsewhere = await serve(bytes());
    const api = await serve((req, res) => void res.writeHead(302, { location: req.url === '/moved' ? `${elsewhere.origin}/api` : '/api/v1/realism/personas2' }).end());
    api.set((req, res) => {
      if (req.url === '/api/v1/realism/personas2') return bytes()(req, res);
      res.writeHead(302, { location: `${elsewhere.origin}/api` }).end();
    });
    const error = await failure(remoteStore({ url: api.url, headers: { authorization: 'Bearer tok-secret' } }).read(undefined, { maxBytes: 1e6 }));
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(error.message).toMatch(/redirected to another origin/);
    expect(elsewhere.seen).toHaveLength(0);
    const same = remoteStore({ url: `${api.origin}/api/v1/realism/personas2` });
    expect((await same.read(undefined, { maxBytes: 1e6 })).kind).toBe('content');
  });

  it('401 and 403: ACCESS_DENIED with the status kept; no token, header or URL password anywhere', async () => {
    const api = await serve((req, res) => void res.writeHead(req.method === 'PUT' ? 403 : 401, { 'content-type': 'application/json' }).end('{"detail":"Unauthorized"}'));
    const url = api.url.replace('http://', 'http://ann:hunter2@');
    const store = remoteStore({ url, headers: async () => ({ authorization: 'Bearer tok-secret' }) });
    const lines = await debugLines('persona-pool:*', async () => {
      const read = await failure(store.read(undefined, { maxBytes: 1e6 }));
      expect(read).toMatchObject({ code: 'ACCESS_DENIED', status: 401 });
      const written = await failure(new PersonaPool({ store }).replace([persona(1)]));
      expect(written).toMatchObject({ code: 'ACCESS_DENIED', status: 401 });
      api.set((_req, res) => void res.writeHead(403).end());
      expect(await failure(store.read(undefined, { maxBytes: 1e6 }))).toMatchObject({ code: 'ACCESS_DENIED', status: 403 });
      const text = [read.message, written.message, store.location].join('\n');
      for (const secret of ['hunter2', 'tok-secret', 'ann:']) expect(text).not.toContain(secret);
    });
    for (const secret of ['hunter2', 'tok-secret']) expect(lines.join('\n')).not.toContain(secret);
    expect(store.location).toBe(`remote:${api.url}`);
    expect(api.seen[0]?.authorization).toBe('Bearer tok-secret'); // the caller's header wins over the URL's credentials
  });

  it('a headers function that throws: STORE_UNAVAILABLE, its message (which may hold a secret) not repeated, nothing sent', async () => {
    const api = await serve(bytes());
    const store = remoteStore({ url: api.url, headers: () => Promise.reject(new Error('vault token tok-secret expired')) });
    const error = await failure(store.read(undefined, { maxBytes: 1e6 }));
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(error.message).toMatch(/headers function .* failed \(Error\)/);
    expect(error.message).not.toContain('tok-secret');
    expect(api.seen).toHaveLength(0);
  });

  it('history: the API\'s list where it has one; none, logged, from an API without history', async () => {
    const entry = { version: 'v1', savedAt: '2026-01-01T00:00:00.000Z', count: 2 };
    const api = await serve((req, res) => {
      if (req.url?.endsWith('/history')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ history: [entry, { version: 5 }] }));
      bytes()(req, res);
    });
    expect(await remoteStore({ url: api.url }).history()).toEqual([entry]);
    api.set((_req, res) => void res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not found"}'));
    const lines = await debugLines('persona-pool:remote', async () => expect(await remoteStore({ url: api.url }).history()).toEqual([]));
    expect(lines.join('\n')).toMatch(/does not list history \(404\)/);
  });

  it('a corrupted cache file is ignored with a warning, never served', async () => {
    const cacheFile = join(tempDir(), 'cache.json');
    writeFileSync(cacheFile, '{"format":"persona-pool-remote-cache/1","version":"x"');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const store = remoteStore({ url: 'http://127.0.0.1:1/api/v1/realism/personas', cacheFile });
      expect(await failure(store.read(undefined, { maxBytes: 1e6 }))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.join('\n')).toMatch(/cache\.json is corrupted \(not JSON\): ignored, never served/);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('refuses options that are not valid: INVALID_OPTION; undefined takes the default', () => {
    for (const url of ['ftp://api.example/p', 'not a url', 'file:///etc/passwd']) expect(() => remoteStore({ url })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => remoteStore({ url: 'http://a.example/p', waitSeconds: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => remoteStore({ url: 'http://a.example/p', timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(remoteStore({ url: 'http://a.example/p', waitSeconds: undefined, timeoutMs: undefined, cacheFile: undefined }).location).toBe('remote:http://a.example/p');
  });
});
