// `persona-pool … --store postgres --name <pool>` against a real server: moving the pool file into
// PostgreSQL with its version, show/path/history/restore, the libpq variables, and no password shown.
import { beforeAll, describe, expect, it } from 'vitest';
import { BAD_EMAIL, runBin, runMain, sandbox, SAMPLE } from '../../helpers/cli.js';
import { fileDatabase } from '../../helpers/postgres.js';

const postgres = fileDatabase();
let pgEnv: Record<string, string>;
beforeAll(async () => {
  const { host, port, user, password, database } = postgres.config;
  pgEnv = { PGHOST: host, PGPORT: String(port), PGUSER: user, PGPASSWORD: password, PGDATABASE: database };
});

describe('persona-pool --store postgres', () => {
  it('moves the pool file into PostgreSQL keeping its version; show, path, history and restore work there', async () => {
    const box = sandbox();
    const env = { ...box.env, ...pgEnv };
    const file = box.file('personas.json', SAMPLE);
    expect((await runMain(['import', file], box.env)).code).toBe(0);
    const fromFile = JSON.parse((await runMain(['show', '--json'], box.env)).stdout) as { version: string };
    const imported = await runMain(['import', file, '--store', 'postgres', '--name', 'global'], env);
    expect(imported).toMatchObject({ code: 0, stdout: `Imported 3 personas to postgres:persona_pools/global\n` });
    const shown = JSON.parse((await runMain(['show', '--json', '--store', 'postgres', '--name', 'global'], env)).stdout) as { path: string; version: string; personas: unknown[] };
    expect(shown).toMatchObject({ path: 'postgres:persona_pools/global', version: fromFile.version });
    expect(shown.personas).toHaveLength(3);
    expect(await runMain(['path', '--store', 'postgres', '--name', 'global'], env)).toEqual({ code: 0, stdout: 'postgres:persona_pools/global\n', stderr: '' });
    const second = box.file('second.json', [SAMPLE[0]]);
    expect((await runMain(['import', second, '--store', 'postgres', '--name', 'global'], env)).code).toBe(0);
    const history = JSON.parse((await runMain(['history', '--json', '--store', 'postgres', '--name', 'global'], env)).stdout) as { versions: { version: string; count: number }[] };
    expect(history.versions.map(({ version, count }) => [version, count])).toEqual([[fromFile.version, 3]]);
    expect((await runMain(['restore', fromFile.version, '--store', 'postgres', '--name', 'global'], env)).code).toBe(0);
    const restored = JSON.parse((await runMain(['show', '--json', '--store', 'postgres', '--name', 'global'], env)).stdout) as { version: string };
    expect(restored.version).toBe(fromFile.version);
    // Another name is another pool.
    expect(JSON.parse((await runMain(['show', '--json', '--store', 'postgres', '--name', 'topology:9'], env)).stdout)).toMatchObject({ personas: [], version: 'absent' });
  });

  it('the built executable reads DATABASE_URL, and a wrong password is STORE_UNAVAILABLE without the password anywhere', async () => {
    const box = sandbox();
    const file = box.file('personas.json', [...SAMPLE, BAD_EMAIL]);
    const { host, port, user, password, database } = postgres.config;
    const url = (secret: string) => `postgres://${user}:${encodeURIComponent(secret)}@${host}:${port}/${database}`;
    const ok = await runBin(['import', file, '--store', 'postgres', '--name', 'url'], { ...box.env, DATABASE_URL: url(password) });
    expect(ok).toMatchObject({ code: 0, stdout: 'Imported 3 personas to postgres:persona_pools/url\n' });
    const wrong = 'Wr0ng-Secret-Pw';
    for (const env of [{ ...box.env, ...pgEnv, PGPASSWORD: wrong }, { ...box.env, DATABASE_URL: url(wrong) }]) {
      const run = await runBin(['show', '--store', 'postgres', '--name', 'url'], { ...env, DEBUG: 'persona-pool:*' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('PGPASSWORD');
      expect(run.stderr).toContain('28P01');
      expect(`${run.stdout}${run.stderr}`).not.toContain(wrong);
      expect(`${run.stdout}${run.stderr}`).not.toContain('postgres://');
    }
  });

  it('refuses a malformed command line: exit 2', async () => {
    const { env } = sandbox();
    for (const args of [['show', '--store', 'postgres'], ['show', '--name', 'global'], ['show', '--store', 'mysql'], ['show', '--store', 'postgres', '--name', 'g', '--pool', 'x.json']]) {
      const run = await runMain(args, env);
      expect(run.code, args.join(' ')).toBe(2);
    }
  });
});
