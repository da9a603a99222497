// Logging through `debug`, which a process without DEBUG never loads (start-up, issue 23): the
// built package in child processes, with and without DEBUG; and in-process, `debug.enable()` after
// import turning a logger on, as DEBUG does.
import { describe, expect, it } from 'vitest';
import { logger } from '../src/log.js';
import { debugLines, DIST, runNode } from './helpers/common.js';

/** Imports the built package, parses a list with one invalid entry (which logs), and says whether `debug` was loaded. */
const SCRIPT = `
import { createRequire } from 'node:module';
const { parsePersonas } = await import(${JSON.stringify(DIST)});
parsePersonas([{ name: 'Ann Lee', email: 'not an address', role: 'CFO' }]);
const loaded = Object.keys(createRequire(process.cwd() + '/').cache).some((path) => /[\\\\/]node_modules[\\\\/]debug[\\\\/]/.test(path));
console.log(loaded ? 'debug loaded' : 'debug not loaded');
`;

function child(env: Record<string, string>) {
  return runNode('--input-type=module', ['-e', SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env } });
}

describe('logging', () => {
  it('a process without DEBUG never loads debug, even where the library logs', async () => {
    const { code, stdout, stderr } = await child({});
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'debug not loaded\n', stderr: '' });
  });

  it('nor does persona-pool/remote', async () => {
    const remote = DIST.replace(/index\.js$/, 'stores/remote/index.js');
    const script = SCRIPT.replace(/const \{ parsePersonas \}[^\n]*\nparsePersonas[^\n]*/, `const { remoteStore } = await import(${JSON.stringify(remote)});\nremoteStore({ url: 'http://127.0.0.1:9/p' });`);
    expect(script).toContain('remoteStore({');
    const { code, stdout, stderr } = await runNode('--input-type=module', ['-e', script], { env: { PATH: process.env.PATH ?? '' } });
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'debug not loaded\n', stderr: '' });
  });

  it('with DEBUG set, debug is loaded and the library logs through it', async () => {
    const { code, stdout, stderr } = await child({ DEBUG: 'persona-pool:parse', DEBUG_COLORS: 'no' });
    expect(code).toBe(0);
    expect(stdout).toBe('debug loaded\n');
    expect(stderr).toMatch(/persona-pool:parse dropped persona #0: email must look like user@domain\.tld/);
  });

  it('turns on when debug.enable() names its namespace after import, and off again', async () => {
    const log = logger('persona-pool:log-test');
    const before = log.enabled;
    let during: boolean | undefined;
    const lines = await debugLines('persona-pool:log-test', () => {
      during = log.enabled;
      log('written %d', 1);
    });
    expect(lines.join('\n')).toContain('written 1');
    expect(during).toBe(true);
    expect(log.enabled).toBe(before);
  });

  it('stays silent for a namespace that is not enabled', async () => {
    const log = logger('persona-pool:log-test-other');
    const lines = await debugLines('persona-pool:log-test', () => {
      expect(log.enabled).toBe(false);
      log('not written');
    });
    expect(lines).toEqual([]);
  });
});
