// The remote store against a real API server on 127.0.0.1: whatever the server's pool reads (edited by
// hand, partly invalid, not JSON, too large) a remote pool reports with the same version, personas and
// problem; and a change costs a watching worker one request (the long poll's answer feeds its read).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PersonaPool, type PoolSnapshot } from '../../../src/index.js';
import { remoteStore } from '../../../src/stores/remote/index.js';
import { closedAfterEach, persona, tempDir, waitFor } from '../../helpers/common.js';
import { serveApi, type TestApi } from './api.js';

const track = closedAfterEach();

const what = (snapshot: PoolSnapshot): unknown => ({ version: snapshot.version, personas: snapshot.personas, problem: snapshot.problem?.code ?? null });

describe('remote store: the stored bytes, exactly', () => {
  const contents = {
    'edited by hand': JSON.stringify([persona(1), persona(2)]),
    'partly invalid': JSON.stringify([persona(1), { name: 'No Mail' }, persona(3)], null, 4),
    'not JSON': '[{"name": "Ann",',
    'not a list': '{"personas": []}',
    empty: '',
  };
  for (const [name, text] of Object.entries(contents)) {
    it(`${name}: the remote pool reports what the server pool reports`, async () => {
      const file = join(tempDir(), 'personas.json');
      writeFileSync(file, text);
      const server = new PersonaPool({ path: file });
      const api = track(await serveApi(server));
      const remote = await new PersonaPool({ store: track(remoteStore({ url: api.url })) }).snapshot();
      expect(what(remote)).toEqual(what(await server.snapshot()));
    });
  }

  it('a pool over the server maxBytes: the same version, and its problem TOO_LARGE', async () => {
    const file = join(tempDir(), 'personas.json');
    await new PersonaPool({ path: file }).replace([persona(1), persona(2)]);
    const server = new PersonaPool({ path: file, maxBytes: 64 });
    const api = track(await serveApi(server));
    const remote = await new PersonaPool({ store: track(remoteStore({ url: api.url })) }).snapshot();
    expect(what(remote)).toEqual({ ...(what(await server.snapshot()) as object), problem: 'TOO_LARGE' });
  });
});

describe('remote store: one request per change', () => {
  async function served(): Promise<{ file: string; api: TestApi; pool: PersonaPool }> {
    const file = join(tempDir(), 'personas.json');
    await new PersonaPool({ path: file }).replace([persona(0)]);
    const api = track(await serveApi(new PersonaPool({ path: file })));
    const store = track(remoteStore({ url: api.url, waitSeconds: 20 }));
    return { file, api, pool: track(new PersonaPool({ store, watch: true })) };
  }

  /** Makes 3 outside changes, each awaited by `seen`; the requests the API received meanwhile. */
  async function requestsFor(file: string, api: TestApi, seen: (version: string) => Promise<void>): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 300)); // the held poll sent
    const before = api.requests();
    const writer = new PersonaPool({ path: file });
    for (let n = 1; n <= 3; n++) {
      const { version } = await writer.replace([persona(0), persona(n)]);
      await seen(version);
      await waitFor(() => api.requests() >= before + n);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    return api.requests() - before;
  }

  it('a subscriber of a watching pool is told of each outside change for one request: the re-sent long poll', async () => {
    const { file, api, pool } = await served();
    const seen: string[] = [];
    pool.subscribe((snapshot) => void seen.push(snapshot.version));
    await pool.load();
    await waitFor(() => seen.length === 1);
    expect(await requestsFor(file, api, (version) => waitFor(() => seen.at(-1) === version))).toBe(3); // a HEAD and a GET each, before: 6
  });

  it('a watching pool read on every tick, without subscribers, also sees each change for one request', async () => {
    const { file, api, pool } = await served();
    await pool.load();
    expect(await requestsFor(file, api, (version) => waitFor(() => pool.snapshotSync().version === version))).toBe(3);
  });

  it('without watch mode, a read after an outside write sees it, though the store long polls', async () => {
    const { file, api } = await served();
    const store = track(remoteStore({ url: api.url, waitSeconds: 20 }));
    await store.listen();
    const pool = new PersonaPool({ store });
    await pool.load();
    const writer = new PersonaPool({ path: file });
    for (let n = 1; n <= 5; n++) {
      const { version } = await writer.replace([persona(0), persona(n)]);
      expect((await pool.snapshot()).version).toBe(version);
    }
  });
});
