// `persona-pool … --store postgres` says what a database pool is: `Pool:`, not `Pool file:`, and a
// version not kept points at `persona-pool history`, not at the API's `history()`.
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain, sandbox, SAMPLE } from '../../helpers/cli.js';
import { fileDatabase } from '../../helpers/postgres.js';

const postgres = fileDatabase();
let pgEnv: Record<string, string>;
beforeAll(async () => {
  const { host, port, user, password, database } = postgres.config;
  pgEnv = { PGHOST: host, PGPORT: String(port), PGUSER: user, PGPASSWORD: password, PGDATABASE: database };
}, 120_000);

describe('persona-pool --store postgres, in words', () => {
  it('show and history say Pool:, and a pool never written is "nothing imported yet"', async () => {
    const box = sandbox();
    const env = { ...box.env, ...pgEnv };
    const pg = ['--store', 'postgres', '--name', 'edges'];
    expect((await runMain(['import', box.file('personas.json', SAMPLE), ...pg], env)).code).toBe(0);
    expect(await runMain(['show', ...pg, '--name', 'never'], env)).toEqual({ code: 0, stderr: '', stdout: 'Pool: postgres:persona_pools/never\nPersonas:  0 (nothing imported yet)\n' });
    const shown = await runMain(['show', ...pg], env);
    expect(shown.stdout).toMatch(/^Pool: postgres:persona_pools\/edges\nPersonas: {2}3\n\n/);
    expect((await runMain(['history', ...pg], env)).stdout).toMatch(/^Pool: postgres:persona_pools\/edges\nVersions kept: /);
  });

  it('restore of a version not kept tells the shell user to run persona-pool history', async () => {
    const box = sandbox();
    const env = { ...box.env, ...pgEnv };
    const pg = ['--store', 'postgres', '--name', 'edges-restore'];
    expect((await runMain(['import', box.file('personas.json', SAMPLE), ...pg], env)).code).toBe(0);
    const result = await runMain(['restore', 'no-such-version', ...pg], env);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^error: .*no-such-version.*\. List the versions kept with "persona-pool history" \(with the same --pool or --store options\)\n$/);
    expect(result.stderr).not.toMatch(/history\(\)/);
  });
});
