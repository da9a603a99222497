// `persona-pool … --store remote --url <url>` against a real API server on 127.0.0.1: import, show,
// validate and history through the API, the token from PERSONA_POOL_TOKEN and never shown.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { runBin, runMain, sandbox, SAMPLE } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/common.js';
import { serveApi, type TestApi } from './api.js';

const apis: TestApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) await api.close();
});

describe('persona-pool --store remote', () => {
  it('imports through the API (the server pool gets the same version as a file import), shows, validates and lists history', async () => {
    const file = join(tempDir(), 'server.json');
    const api = await serveApi(new PersonaPool({ path: file }), 0, 'tok-secret');
    apis.push(api);
    const box = sandbox();
    const env = { ...box.env, PERSONA_POOL_TOKEN: 'tok-secret' };
    const input = box.file('personas.json', SAMPLE);
    expect((await runMain(['import', input], box.env)).code).toBe(0);
    const fromFile = JSON.parse((await runMain(['show', '--json'], box.env)).stdout) as { version: string };
    const remote = ['--store', 'remote', '--url', api.url];
    expect(await runMain(['import', input, ...remote], env)).toMatchObject({ code: 0, stdout: `Imported 3 personas to remote:${api.url}\n` });
    expect((await new PersonaPool({ path: file }).snapshot()).version).toBe(fromFile.version);
    const shown = JSON.parse((await runMain(['show', '--json', ...remote], env)).stdout) as { path: string; version: string; personas: unknown[] };
    expect(shown).toMatchObject({ path: `remote:${api.url}`, version: fromFile.version });
    expect(shown.personas).toHaveLength(3);
    expect((await runMain(['validate', input, ...remote], env)).code).toBe(0);
    expect((await runMain(['history', '--json', ...remote], env)).code).toBe(0);
  });

  it('the built executable: a missing or wrong token is ACCESS_DENIED (401) and the token is never printed; --url is required', async () => {
    const api = await serveApi(new PersonaPool({ path: join(tempDir(), 'server.json') }), 0, 'tok-secret');
    apis.push(api);
    const box = sandbox();
    const run = await runBin(['show', '--store', 'remote', '--url', api.url], { ...box.env, PERSONA_POOL_TOKEN: 'wrong-token' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/did not accept the credentials \(401\)/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('wrong-token');
    const usage = await runMain(['show', '--store', 'remote'], box.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--store remote needs --url/);
  });
});
