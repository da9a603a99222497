// pg is an optional peer dependency: `import 'persona-pool'` and the CLI on the file store never load
// it, and `--store postgres` without it says what to install. A module hook (test/fixtures/no-pg-hooks.mjs)
// makes any import of pg fail, as if it were not installed.
import { describe, expect, it } from 'vitest';
import { BIN, sandbox, SAMPLE } from '../cli-fixtures.js';
import { DIST, FIXTURES, runNode } from '../helpers.js';

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
});

/** `node ...args`, in `env`. */
function runNodeArgs(args: readonly string[], env: Record<string, string> = { PATH: process.env.PATH ?? '' }) {
  const [first = '', ...rest] = args;
  return runNode(first, rest, { env });
}
