// Long polling (RFC 7240 `Prefer: wait=N`): a GET with If-None-Match held until the version changes.
import fs from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { format } from 'node:util';
import createDebug from 'debug';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPersonasHandler, handlePersonasRequest, PersonaPool, type PersonasRequest, type PersonasResponse, type PoolAccess } from '../../src/index.js';
import { ANN, BOB, poolFile, removeTempFolders, VIEWER } from '../helpers/http.js';
import { FIXTURES, runNode, waitFor } from '../helpers/common.js';

const pools: PersonaPool[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  removeTempFolders();
});

function poolOn(path: string, watch = false): PersonaPool {
  const pool = new PersonaPool({ path, watch });
  pools.push(pool);
  return pool;
}

/** A GET as a long-polling dashboard sends it. */
function polling(version: string, prefer = 'wait=3600', extra: Partial<PersonasRequest> = {}): PersonasRequest {
  return { method: 'GET', user: VIEWER, headers: { 'if-none-match': `"${version}"`, prefer }, ...extra };
}

/** Whether a promise has settled, without waiting for it. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  void promise.finally(() => (settled = true));
  return { promise, settled: () => settled };
}

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

function parsed(response: PersonasResponse): Record<string, unknown> {
  return JSON.parse(response.body?.toString('utf8') ?? 'null') as Record<string, unknown>;
}

describe.each([
  ['watch mode', true],
  ['stat mode', false],
])('a held GET, in %s', (_mode, watch) => {
  it('is answered 200 with the new pool when a write changes it, with Preference-Applied', async () => {
    const pool = poolOn(poolFile([ANN]), watch);
    const handle = createPersonasHandler({ pool, maxWaitSeconds: 3600 });
    const { version } = await pool.snapshot();
    const held = tracked(handle(polling(version)));
    await settle();
    expect(held.settled()).toBe(false);
    const written = await new PersonaPool({ path: (await pool.snapshot()).path }).replace([BOB]);
    const response = await held.promise;
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ etag: `"${written.version}"`, 'preference-applied': 'wait=3600' });
    expect(parsed(response)).toMatchObject({ personas: [expect.objectContaining(BOB)], version: written.version });
  });

  it('is answered 304 once the wait is over', async () => {
    const pool = poolOn(poolFile([ANN]), watch);
    const { version } = await pool.snapshot();
    const response = await createPersonasHandler({ pool })(polling(version, 'wait=1'));
    expect(response).toMatchObject({ status: 304, body: null, headers: { etag: `"${version}"`, 'preference-applied': 'wait=1' } });
  });

  it('sees an import by the CLI, another process', async () => {
    const path = poolFile([ANN]);
    const pool = poolOn(path, watch);
    const { version } = await pool.snapshot();
    const held = createPersonasHandler({ pool })(polling(version, 'wait=30'));
    const input = join(path, '..', 'import.json');
    fs.writeFileSync(input, JSON.stringify([ANN, BOB]));
    const cli = await runNode(join(FIXTURES, '..', '..', 'dist', 'bin.js'), ['import', input], { env: { ...process.env, DECNET_REALISM_PERSONAS: path } });
    expect(cli.code).toBe(0);
    const response = await held;
    expect(response.status).toBe(200);
    expect(parsed(response).personas).toHaveLength(2);
  });
});

describe('when a GET is held', () => {
  it('caps the wait at maxWaitSeconds, and says so', async () => {
    const pool = poolOn(poolFile([ANN]));
    const { version } = await pool.snapshot();
    const response = await createPersonasHandler({ pool, maxWaitSeconds: 1 })(polling(version, 'wait=600'));
    expect(response.status).toBe(304);
    expect(response.headers['preference-applied']).toBe('wait=1');
  });

  it('caps at 30 seconds by default, also for an option explicitly undefined', async () => {
    const pool = poolOn(poolFile([ANN]));
    const { version } = await pool.snapshot();
    const held = handlePersonasRequest({ pool, maxWaitSeconds: undefined, ...polling(version, 'wait=600') });
    await settle();
    await pool.replace([BOB]);
    expect((await held).headers['preference-applied']).toBe('wait=30');
  });

  it('answers at once, without Preference-Applied, when holding is off or not asked for', async () => {
    const pool = poolOn(poolFile([ANN]));
    const { version } = await pool.snapshot();
    const never = createPersonasHandler({ pool, maxWaitSeconds: 0 });
    const always = createPersonasHandler({ pool });
    const cases: [typeof never, PersonasRequest, number][] = [
      [never, polling(version), 304],
      [always, polling(version, 'wait=0'), 304],
      [always, polling(version, 'wait=-1'), 304],
      [always, polling(version, 'wait=1.5'), 304],
      [always, polling(version, 'wait'), 304],
      [always, polling(version, 'respond-async'), 304],
      [always, polling('older'), 200],
      [always, { method: 'GET', user: VIEWER, headers: { prefer: 'wait=3600' } }, 200],
    ];
    for (const [handle, request, status] of cases) {
      const response = await handle(request);
      expect(response.status).toBe(status);
      expect(response.headers['preference-applied']).toBeUndefined();
    }
  });

  it('answers at once for a pool object without changes()', async () => {
    const pool = poolOn(poolFile([ANN]));
    const { version } = await pool.snapshot();
    const minimal: PoolAccess = { snapshot: () => pool.snapshot(), replace: (entries) => pool.replace(entries) };
    const response = await createPersonasHandler({ pool: minimal })(polling(version));
    expect(response.status).toBe(304);
    expect(response.headers['preference-applied']).toBeUndefined();
  });

  it('reads Prefer as RFC 7240 writes it: among other preferences, quoted, in any case, the first wait only', async () => {
    const pool = poolOn(poolFile([ANN]));
    const { version } = await pool.snapshot();
    const handle = createPersonasHandler({ pool });
    // A signal already aborted ends each hold at once: what counts here is the wait applied.
    const gone = { signal: AbortSignal.abort() };
    const cases = [['respond-async, wait=7', 'wait=7'], ['WAIT = "8"', 'wait=8'], ['handling=lenient; x=y, Wait=9;q=1', 'wait=9'], ['wait=5, wait=0', 'wait=5'], ['wait=99999999999999999999', 'wait=30']];
    for (const [prefer, applied] of cases) {
      expect((await handle(polling(version, prefer, gone))).headers['preference-applied']).toBe(applied);
    }
    const repeated = await handle({ method: 'GET', user: VIEWER, headers: { 'if-none-match': `"${version}"`, Prefer: ['return=minimal', 'wait=4'] }, ...gone });
    expect(repeated.headers['preference-applied']).toBe('wait=4');
  });

  it('holds HEAD too, and answers it without a body', async () => {
    const pool = poolOn(poolFile([ANN]), true);
    const { version } = await pool.snapshot();
    const held = createPersonasHandler({ pool })(polling(version, 'wait=30', { method: 'HEAD' }));
    await pool.replace([BOB]);
    expect(await held).toMatchObject({ status: 200, body: null });
  });

  it('is answered 200 at once when the pool changed between its read and the hold', async () => {
    const path = poolFile([ANN]);
    const pool = poolOn(path);
    const { version } = await pool.snapshot();
    // A change lands just before the hold subscribes: no event will tell of it.
    const racing: PoolAccess = {
      snapshot: (options) => pool.snapshot(options),
      replace: (entries) => pool.replace(entries),
      changes: (options) => {
        fs.writeFileSync(path, JSON.stringify([BOB]));
        return pool.changes(options);
      },
    };
    const response = await createPersonasHandler({ pool: racing })(polling(version));
    expect(response.status).toBe(200);
    expect(parsed(response).personas).toEqual([expect.objectContaining(BOB)]);
  });

  it('is freed when its signal aborts: answered 304 and unsubscribed', async () => {
    const pool = poolOn(poolFile([ANN]));
    const { version } = await pool.snapshot();
    const controller = new AbortController();
    const lines: string[] = [];
    createDebug.enable('persona-pool:watch');
    vi.spyOn(createDebug, 'log').mockImplementation((...args: unknown[]) => void lines.push(format(...args)));
    const held = tracked(createPersonasHandler({ pool, maxWaitSeconds: 3600 })(polling(version, 'wait=3600', { signal: controller.signal })));
    await settle();
    expect(held.settled()).toBe(false);
    controller.abort();
    expect((await held.promise).status).toBe(304);
    createDebug.disable();
    // In stat mode the pool watches for its subscribers only: the hold was the last one.
    expect(lines.join('\n')).toMatch(/watching [\s\S]*stopped watching/);
  });

  it('is answered 304 when the pool is closed', async () => {
    const pool = poolOn(poolFile([ANN]), true);
    const { version } = await pool.snapshot();
    const held = tracked(createPersonasHandler({ pool, maxWaitSeconds: 3600 })(polling(version)));
    await settle();
    expect(held.settled()).toBe(false);
    await pool.close();
    expect(await held.promise).toMatchObject({ status: 304, headers: { 'preference-applied': 'wait=3600' } });
    // A closed pool holds nothing.
    expect((await createPersonasHandler({ pool })(polling(version))).status).toBe(304);
  });

  it('answers 500 when the pool fails while holding', async () => {
    const pool = poolOn(poolFile([ANN]));
    const { version } = await pool.snapshot();
    const failing: PoolAccess = {
      snapshot: vi.fn().mockResolvedValueOnce(await pool.snapshot()).mockRejectedValue(new Error('disk on fire')),
      replace: (entries) => pool.replace(entries),
      changes: (options) => pool.changes(options),
    };
    const response = await createPersonasHandler({ pool: failing })(polling(version));
    expect(response.status).toBe(500);
  });

  it('refuses a malformed maxWaitSeconds', () => {
    const pool = poolOn(poolFile([ANN]));
    for (const maxWaitSeconds of [-1, 1.5, Number.NaN, 2_147_484, '30' as unknown as number]) {
      expect(() => createPersonasHandler({ pool, maxWaitSeconds })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      expect(() => handlePersonasRequest({ pool, maxWaitSeconds, method: 'GET', user: VIEWER })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => createPersonasHandler({ pool, maxWaitSeconds: 2_147_483 })).not.toThrow();
  });
});

describe('over real HTTP (node:http)', () => {
  /** Aborted when the response closes: sent, or the client gone. */
  function closeSignal(res: ServerResponse): AbortSignal {
    const controller = new AbortController();
    res.once('close', () => controller.abort());
    return controller.signal;
  }

  async function serve(pool: PersonaPool): Promise<{ url: string; received: () => number; statuses: number[]; close: () => Promise<void> }> {
    const handle = createPersonasHandler({ pool, maxWaitSeconds: 3600 });
    const statuses: number[] = [];
    let received = 0;
    const server = http.createServer((req, res) => {
      received++;
      void handle({ method: req.method ?? '', user: VIEWER, headers: req.headers, signal: closeSignal(res) }).then(({ status, headers, body }) => {
        statuses.push(status);
        res.writeHead(status, headers).end(body ?? undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { url: `http://127.0.0.1:${port}/`, received: () => received, statuses, close };
  }

  it('releases 50 held requests with one write, each with the new version', async () => {
    const pool = poolOn(poolFile([ANN]), true);
    const { version } = await pool.snapshot();
    const server = await serve(pool);
    const headers = { 'if-none-match': `"${version}"`, prefer: 'wait=3600' };
    const answers = Array.from({ length: 50 }, () => fetch(server.url, { headers }).then(async (response) => [response.status, response.headers.get('etag'), await response.text()] as const));
    await waitFor(() => server.received() === 50);
    await settle();
    expect(server.statuses).toEqual([]);
    const written = await new PersonaPool({ path: (await pool.snapshot()).path }).replace([ANN, BOB]);
    const results = await Promise.all(answers);
    expect(results.filter(([status, etag, text]) => status === 200 && etag === `"${written.version}"` && text.includes(BOB.email))).toHaveLength(50);
    await server.close();
  });

  it('frees a held request whose client went away', async () => {
    const pool = poolOn(poolFile([ANN]), true);
    const { version } = await pool.snapshot();
    const server = await serve(pool);
    const request = http.get(server.url, { headers: { 'if-none-match': `"${version}"`, prefer: 'wait=3600' } });
    request.on('error', () => undefined);
    await waitFor(() => server.received() === 1);
    await settle();
    expect(server.statuses).toEqual([]);
    request.destroy();
    await waitFor(() => server.statuses.length === 1);
    expect(server.statuses).toEqual([304]);
    await server.close();
  });
});
