// The held GETs of one pool share one subscription and one timer (src/http/holds.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createPersonasHandler, PersonaPool, type PersonasRequest, type PoolAccess } from '../../src/index.js';
import { ANN, BOB, poolFile, removeTempFolders, VIEWER } from '../helpers/http.js';

const pools: PersonaPool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  removeTempFolders();
});

function polling(version: string, prefer: string, signal?: AbortSignal): PersonasRequest {
  return { method: 'GET', user: VIEWER, headers: { 'if-none-match': `"${version}"`, prefer }, signal };
}

function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  void promise.finally(() => (settled = true));
  return { promise, settled: () => settled };
}

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pool, and the pool object a handler gets: the same, counting its `changes()` calls. */
function counted(watch: boolean): { pool: PersonaPool; access: PoolAccess; subscriptions: () => number } {
  const pool = new PersonaPool({ path: poolFile([ANN]), watch });
  pools.push(pool);
  let calls = 0;
  const access: PoolAccess = {
    snapshot: () => pool.snapshot(),
    replace: (entries, options) => pool.replace(entries, options),
    changes: (options) => (calls++, pool.changes(options)),
  };
  return { pool, access, subscriptions: () => calls };
}

describe.each([
  ['watch mode', true],
  ['stat mode', false],
])('held GETs of one pool, in %s', (_mode, watch) => {
  it('share one subscription per handler (two handlers share nothing), released together by one write, and subscribe again after', async () => {
    const { pool, access, subscriptions } = counted(watch);
    const one = createPersonasHandler({ pool: access, maxWaitSeconds: 3600 });
    const two = createPersonasHandler({ pool: access, maxWaitSeconds: 3600 });
    const { version } = await pool.snapshot();
    const held = Array.from({ length: 40 }, (_, i) => tracked((i % 2 === 0 ? one : two)(polling(version, 'wait=3600'))));
    await settle();
    expect(held.some((one) => one.settled())).toBe(false);
    expect(subscriptions()).toBe(2); // 20 held by each handler: one subscription each
    const written = await new PersonaPool({ path: (await pool.snapshot()).path }).replace([BOB]);
    for (const response of await Promise.all(held.map((one) => one.promise))) {
      expect(response).toMatchObject({ status: 200, headers: { etag: `"${written.version}"`, 'preference-applied': 'wait=3600' } });
    }
    const again = tracked(one(polling(written.version, 'wait=3600')));
    await settle();
    expect(again.settled()).toBe(false);
    expect(subscriptions()).toBe(3);
    await new PersonaPool({ path: (await pool.snapshot()).path }).replace([ANN]);
    expect((await again.promise).status).toBe(200);
  });

  it('end one by one: each at its own wait, or its own abort, the others still held', async () => {
    const { pool, access } = counted(watch);
    const handle = createPersonasHandler({ pool: access, maxWaitSeconds: 3600 });
    const { version } = await pool.snapshot();
    const controller = new AbortController();
    const long = tracked(handle(polling(version, 'wait=3600')));
    const aborted = tracked(handle(polling(version, 'wait=3600', controller.signal)));
    const short = tracked(handle(polling(version, 'wait=1')));
    await settle();
    controller.abort();
    expect(await aborted.promise).toMatchObject({ status: 304, headers: { 'preference-applied': 'wait=3600' } });
    expect(await short.promise).toMatchObject({ status: 304, headers: { etag: `"${version}"`, 'preference-applied': 'wait=1' } });
    expect(long.settled()).toBe(false);
    const written = await new PersonaPool({ path: (await pool.snapshot()).path }).replace([BOB]);
    expect(await long.promise).toMatchObject({ status: 200, headers: { etag: `"${written.version}"` } });
  });

  it('drop the holds of clients gone while nothing changes, and still release the ones left', async () => {
    const { pool, access } = counted(watch);
    const handle = createPersonasHandler({ pool: access, maxWaitSeconds: 3600 });
    const { version } = await pool.snapshot();
    const kept = [tracked(handle(polling(version, 'wait=3600'))), tracked(handle(polling(version, 'wait=60')))];
    for (let round = 0; round < 3; round++) {
      const controllers = Array.from({ length: 100 }, () => new AbortController());
      const gone = controllers.map((controller, i) => handle(polling(version, i % 2 === 0 ? 'wait=3600' : 'wait=60', controller.signal)));
      await settle();
      for (const controller of controllers) controller.abort();
      for (const response of await Promise.all(gone)) expect(response.status).toBe(304);
    }
    expect(kept.some((one) => one.settled())).toBe(false);
    const written = await new PersonaPool({ path: (await pool.snapshot()).path }).replace([BOB]);
    for (const one of kept) expect(await one.promise).toMatchObject({ status: 200, headers: { etag: `"${written.version}"` } });
  });

  it('keeps a request whose If-None-Match lists the new version too, until a version it does not list', async () => {
    const { pool, access } = counted(watch);
    const handle = createPersonasHandler({ pool: access, maxWaitSeconds: 3600 });
    const { version } = await pool.snapshot();
    const path = (await pool.snapshot()).path;
    const next = await new PersonaPool({ path: `${path}.probe` }).replace([BOB]); // BOB's version, written elsewhere
    const both = tracked(handle({ method: 'GET', user: VIEWER, headers: { 'if-none-match': `"${version}", "${next.version}"`, prefer: 'wait=3600' } }));
    const first = tracked(handle(polling(version, 'wait=3600')));
    await settle();
    await new PersonaPool({ path }).replace([BOB]);
    expect((await first.promise).status).toBe(200);
    await settle();
    expect(both.settled()).toBe(false);
    const last = await new PersonaPool({ path }).replace([ANN, BOB]);
    expect(await both.promise).toMatchObject({ status: 200, headers: { etag: `"${last.version}"` } });
  });
});
