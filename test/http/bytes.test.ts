// The stored-bytes representation of the personas endpoint (Accept: application/octet-stream), as the
// remote store reads it: the exact bytes, whatever they hold, the pool's version as ETag, 304, long
// poll, 204 for no pool, 409 for a pool with no bytes to serve.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createPersonasHandler, PersonaPool, versionOf } from '../../src/index.js';
import { ANN, BOB, INVALID, poolAt, poolFile, removeTempFolders, VIEWER } from '../helpers/http.js';

afterEach(removeTempFolders);

const BYTES = { accept: 'application/octet-stream' };

describe('GET with Accept: application/octet-stream', () => {
  it('answers the stored bytes exactly, with the pool version as ETag; 304 for that ETag; HEAD without a body', async () => {
    const path = poolFile();
    const pool = poolAt(path);
    const { version } = await pool.replace([ANN, BOB]);
    const handle = createPersonasHandler({ pool });
    const got = await handle({ method: 'GET', user: VIEWER, headers: BYTES });
    expect(got.status).toBe(200);
    expect(got.headers).toMatchObject({ 'content-type': 'application/octet-stream', etag: `"${version}"` });
    expect(got.body?.equals(readFileSync(path))).toBe(true);
    expect(versionOf(got.body as Buffer)).toBe(version);
    expect((await handle({ method: 'HEAD', user: VIEWER, headers: BYTES })).body).toBeNull();
    expect((await handle({ method: 'GET', user: VIEWER, headers: { ...BYTES, 'if-none-match': `"${version}"` } })).status).toBe(304);
    // A client that accepts JSON too gets the JSON list, as before.
    const json = await handle({ method: 'GET', user: VIEWER, headers: { accept: 'application/json, application/octet-stream' } });
    expect(json.headers['content-type']).toMatch(/json/);
  });

  it('answers 204 with the ETag "absent" for a pool that holds nothing yet, and 304 for it', async () => {
    const handle = createPersonasHandler({ pool: poolAt(poolFile()) });
    const got = await handle({ method: 'GET', user: VIEWER, headers: BYTES });
    expect(got).toMatchObject({ status: 204, headers: { etag: '"absent"' }, body: null });
    expect((await handle({ method: 'GET', user: VIEWER, headers: { ...BYTES, 'if-none-match': '"absent"' } })).status).toBe(304);
  });

  it('holds a request with Prefer: wait until the pool changes, then answers the new bytes', async () => {
    const path = poolFile();
    const pool = poolAt(path);
    const { version } = await pool.replace([ANN]);
    const handle = createPersonasHandler({ pool });
    const held = handle({ method: 'GET', user: VIEWER, headers: { ...BYTES, 'if-none-match': `"${version}"`, prefer: 'wait=10' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = await pool.replace([ANN, BOB]);
    const got = await held;
    expect(got).toMatchObject({ status: 200, headers: { etag: `"${next.version}"`, 'preference-applied': 'wait=10' } });
    expect(got.body?.equals(readFileSync(path))).toBe(true);
    await pool.close();
  });

  it('serves content the pool did not write exactly as stored: hand-edited, partly invalid, not JSON', async () => {
    for (const text of [JSON.stringify([ANN]), JSON.stringify([ANN, INVALID, BOB], null, 4), '[{"name": "Ann",', '']) {
      const path = poolFile();
      writeFileSync(path, text);
      const pool = poolAt(path);
      const got = await createPersonasHandler({ pool })({ method: 'GET', user: VIEWER, headers: BYTES });
      expect(got.status).toBe(200);
      expect(got.body?.equals(Buffer.from(text))).toBe(true);
      expect(got.headers.etag).toBe(`"${versionOf(Buffer.from(text))}"`);
      expect(got.headers.etag).toBe(`"${(await pool.snapshot()).version}"`);
    }
  });

  it('answers 409 { detail, code, problem } for a pool with no bytes to serve (over maxBytes)', async () => {
    const path = poolFile([ANN, BOB]);
    const got = await createPersonasHandler({ pool: new PersonaPool({ path, maxBytes: 20 }) })({ method: 'GET', user: VIEWER, headers: BYTES });
    expect(got.status).toBe(409);
    expect(JSON.parse(String(got.body))).toMatchObject({ code: 'NOT_STORED_BYTES', problem: 'TOO_LARGE', detail: expect.stringMatching(/TOO_LARGE.*re-import it/) });
  });

  it('serves a host pool that is not a PersonaPool only when its snapshot is the pool serialization of its personas', async () => {
    const path = poolFile();
    const { version } = await poolAt(path).replace([ANN]);
    const snapshot = { ...(await poolAt(path).snapshot()) }; // a copy: not a snapshot the pool made
    const pool = { snapshot: async () => snapshot, replace: async () => Promise.reject(new Error('read only')) };
    const got = await createPersonasHandler({ pool })({ method: 'GET', user: VIEWER, headers: BYTES });
    expect(got).toMatchObject({ status: 200, headers: { etag: `"${version}"` } });
    expect(got.body?.equals(readFileSync(path))).toBe(true);
    const edited = await createPersonasHandler({ pool: { ...pool, snapshot: async () => ({ ...snapshot, version: 'other' }) } })({ method: 'GET', user: VIEWER, headers: BYTES });
    expect(edited.status).toBe(409);
  });
});
