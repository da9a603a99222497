// pg is an optional peer dependency: `import 'persona-pool'` and the CLI on the file store never load
// it, and `--store postgres` without it says what to install. A module hook (test/fixtures/no-pg-hooks.mjs)
// makes any import of pg fail, as if it were not installed.
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { postgresStore, type PostgresClient } from '../../../src/stores/postgres/index.js';
import { BIN, sandbox, SAMPLE } from '../../helpers/cli.js';
import { DIST, FIXTURES, runNode, tempDir } from '../../helpers/common.js';

const NO_PG = ['--import', `${FIXTURES}no-pg-hooks.mjs`];

describe('pg loaded only when asked for', () => {
  it('the root entry imports and works without pg', async () => {
    const script = `const lib = await import(${JSON.stringify(DIST)}); await import('pg').then(() => console.log('pg loaded'), () => console.log('no pg')); console.log(typeof lib.PersonaPool, typeof lib.memoryStore);`;
    const child = await runNodeArgs([...NO_PG, '--input-type=module', '-e', script]);
    expect(child.stdout).toBe('no pg\nfunction function\n');
  });

  it('the CLI on the file store works without pg; --store postgres says to install it', async () => {
    const box = sandbox();
    const file = box.file('personas.json', SAMPLE);
    expect((await runNodeArgs([...NO_PG, BIN, 'import', file], box.env)).code).toBe(0);
    const run = await runNodeArgs([...NO_PG, BIN, 'show', '--store', 'postgres', '--name', 'global'], box.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('npm install pg');
  });

  it('the CLI store loader without pg throws INVALID_OPTION, a PersonaPoolError', async () => {
    const loader = join(DIST.replace(/index\.js$/, ''), 'unbundled/cli/store.js');
    const script = `const { openStore } = await import(${JSON.stringify(loader)}); await openStore({ store: 'postgres', name: 'g' }, {}).then(() => console.log('opened'), (error) => console.log(error.constructor.name, error.code, error.status, error.message.includes('npm install pg')));`;
    const child = await runNodeArgs([...NO_PG, '--input-type=module', '-e', script]);
    expect(child.stdout).toBe('PersonaPoolError INVALID_OPTION 500 true\n');
  });
});

/** `node ...args`, in `env`. */
function runNodeArgs(args: readonly string[], env: Record<string, string> = { PATH: process.env.PATH ?? '' }) {
  const [first = '', ...rest] = args;
  return runNode(first, rest, { env });
}

describe('persona-pool/postgres throws only PersonaPoolErrors', () => {
  it('imported where pg is not installed: INVALID_OPTION that says to install it', async () => {
    // The built package in a folder whose node_modules holds everything but pg.
    const dir = tempDir();
    fs.cpSync(DIST.replace(/index\.js$/, ''), join(dir, 'dist'), { recursive: true });
    const modules = join(dir, 'node_modules');
    fs.mkdirSync(modules);
    const installed = fileURLToPath(new URL('../../../node_modules/', import.meta.url));
    for (const name of fs.readdirSync(installed)) if (!/^pg($|-)/.test(name)) fs.symlinkSync(join(installed, name), join(modules, name));
    const script = `import(${JSON.stringify(join(dir, 'dist/stores/postgres/index.js'))}).then(() => console.log('loaded'), (error) => console.log(error.constructor.name, error.code, error.status, error.message.includes('npm install pg')))`;
    const child = await runNodeArgs(['--input-type=module', '-e', script]);
    expect(child.stdout).toBe('PersonaPoolError INVALID_OPTION 500 true\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a client whose connect() gives no pool connection (a pg.Client): INVALID_OPTION, not a TypeError', async () => {
    const client = { query: () => Promise.resolve({ rows: [] }), connect: () => Promise.resolve(undefined) } as unknown as PostgresClient;
    const store = postgresStore({ client, name: 'g' });
    const pool = new PersonaPool({ store });
    await expect(pool.replace([{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' }])).rejects.toMatchObject({ name: 'PersonaPoolError', code: 'INVALID_OPTION' });
    await expect(store.listen()).rejects.toMatchObject({ name: 'PersonaPoolError', code: 'INVALID_OPTION' });
    await store.close();
  });
});
