// The remote store's own behaviour against real API servers on 127.0.0.1: compare-and-swap retries,
// the long poll (watch mode, health, backoff, recovery, the floor between polls), and the cache file.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { remoteStore } from '../../../src/stores/remote/index.js';
import { WRITE_RETRIES } from '../../../src/stores/remote/store.js';
import { closedAfterEach, failure, persona, tempDir, waitFor } from '../../helpers/common.js';
import { serveApi, type TestApi } from './api.js';

const track = closedAfterEach();

async function api(file = join(tempDir(), 'personas.json')): Promise<{ file: string; server: TestApi }> {
  return { file, server: track(await serveApi(new PersonaPool({ path: file }))) };
}

/** A plain server on 127.0.0.1, closed after the test. */
async function plain(listener: http.RequestListener): Promise<string> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  track({ close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/p`;
}

describe('remote store: writes', () => {
  it('update() through three stores on one API never loses an increment (412 re-reads and runs fn again)', async () => {
    const { server } = await api();
    const pools = [0, 1, 2].map(() => new PersonaPool({ store: track(remoteStore({ url: server.url })) }));
    await pools[0]?.replace([persona(0)]);
    await Promise.all(pools.flatMap((pool) => Array.from({ length: 4 }, () => pool.update((current) => [...current, persona(current.length)]))));
    expect(await pools[1]?.load()).toHaveLength(13);
  });

  it('gives up with CONFLICT after WRITE_RETRIES re-reads, having run fn each time', async () => {
    const { server } = await api();
    await new PersonaPool({ store: remoteStore({ url: server.url }) }).replace([persona(1)]);
    const url = await plain((req, res) => {
      if (req.method === 'PUT') return void req.resume().on('end', () => res.writeHead(412, { 'content-type': 'application/json' }).end('{"detail":"changed"}'));
      void fetch(server.url, { headers: { accept: String(req.headers.accept) } }).then(async (answer) => {
        res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    let runs = 0;
    const pool = new PersonaPool({ store: remoteStore({ url }) });
    expect(await failure(pool.update((current) => (runs++, [...current, persona(2)])))).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(runs).toBe(WRITE_RETRIES + 1);
  });
});

describe('remote store: watch mode', () => {
  it('serves from memory while the long poll vouches, and sees an outside write', async () => {
    const { file, server } = await api();
    await new PersonaPool({ path: file }).replace([persona(1)]);
    const store = track(remoteStore({ url: server.url, waitSeconds: 5 }));
    await store.listen();
    const pool = track(new PersonaPool({ store, watch: true }));
    expect(await pool.load()).toHaveLength(1);
    const before = server.requests();
    for (let n = 0; n < 50; n++) await pool.load();
    expect(server.requests()).toBe(before); // no request: the held poll vouches
    await new PersonaPool({ path: file }).replace([persona(1), persona(2)]);
    await waitFor(() => pool.loadSync().length === 2);
  });

  it('turns unhealthy when the API goes away, ready() never hangs, and recovers with a hint when it is back', async () => {
    const { file, server } = await api();
    await new PersonaPool({ path: file }).replace([persona(1)]);
    const store = track(remoteStore({ url: server.url }));
    let hints = 0;
    const watch = store.watch({ changed: () => hints++, failed: () => undefined });
    await watch.ready?.();
    expect(watch.healthy).toBe(true);
    await server.close();
    await waitFor(() => !watch.healthy);
    await watch.ready?.(); // resolves while it backs off
    const before = hints;
    track(await serveApi(new PersonaPool({ path: file }), Number(new URL(server.url).port)));
    await waitFor(() => watch.healthy && hints > before); // within 10 s, though each held poll waits 30 s: a poll after a failure is not held
    watch.close();
    expect(watch.healthy).toBe(false);
  });

  it('keeps a floor between polls for a server that ignores Prefer: wait', async () => {
    let polls = 0;
    const url = await plain((req, res) => {
      polls++;
      res.writeHead(req.headers['if-none-match'] === '"v1"' ? 304 : 204, { etag: '"v1"' }).end();
    });
    const watch = track(remoteStore({ url })).watch({ changed: () => undefined, failed: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(watch.healthy).toBe(true);
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(4); // one poll a second at most, not thousands
    watch.close();
  });
});

describe('remote store: cache file', () => {
  it('a worker started while the API is down serves the cache file (CACHED, since when), then the live pool', async () => {
    const { file, server } = await api();
    await new PersonaPool({ path: file }).replace([persona(1), persona(2)]);
    const cacheFile = join(tempDir(), 'cache.json');
    await new PersonaPool({ store: remoteStore({ url: server.url, cacheFile }) }).load();
    await server.close();
    const pool = new PersonaPool({ store: remoteStore({ url: server.url, cacheFile, timeoutMs: 500 }) });
    const cached = await pool.snapshot();
    expect(cached.personas).toHaveLength(2);
    expect(cached.problem?.code).toBe('CACHED');
    expect(cached.problem?.message).toMatch(/cannot be reached \(\w+\).*; meanwhile serving the last known good content of remote:http.*, received 20\d\d-/);
    expect(await failure(new PersonaPool({ store: remoteStore({ url: server.url }) }).snapshot())).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    track(await serveApi(new PersonaPool({ path: file }), Number(new URL(server.url).port)));
    expect(await pool.snapshot()).toMatchObject({ problem: null, personas: [{}, {}] });
  });
});
