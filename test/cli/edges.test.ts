// The command line at its edges: versions that start with '-', empty operands and input, `help`,
// a pool that is no file, and the reasons it gives when it writes nothing.
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { showPool } from '../../src/cli/commands.js';
import { COMMAND_HELP, PROGRAM_HELP, usageOf } from '../../src/cli/help.js';
import { outputFor } from '../../src/cli/io.js';
import { memoryStore, PersonaPool } from '../../src/index.js';
import { writeFailed } from '../../src/stores/file/write-errors.js';
import { BAD_EMAIL, runBin, runMain, SAMPLE, sandboxEach, type Run, type Runner } from '../helpers/cli.js';
import { persona, tempDir } from '../helpers/common.js';

const box = sandboxEach(true);

/** A list whose version, as the pool writes it, starts with '-': generated lists are tried in turn. */
async function dashList(): Promise<{ list: Record<string, unknown>[]; version: string }> {
  const scratch = new PersonaPool({ path: join(tempDir(), 'scratch.json'), historyLimit: 0 });
  for (let n = 0; n < 2_000; n++) {
    const list = [persona(n), persona(n + 1)];
    const { version } = await scratch.replace(list);
    if (version.startsWith('-')) return { list, version };
  }
  throw new Error('no version starting with - in 2,000 lists');
}

describe.each([
  ['the built bin', runBin],
  ['main() in-process', runMain],
] as const)('%s', (_, runner: Runner) => {
  const run = (args: readonly string[]): Promise<Run> => runner(args, box.env);

  it('restores a version that starts with -, pasted as history prints it, before or after the options', async () => {
    const { list, version } = await dashList();
    expect(version).toMatch(/^-/);
    expect((await run(['import', box.file('dash.json', list)])).code).toBe(0);
    expect((await run(['import', box.file('other.json', SAMPLE)])).code).toBe(0);
    expect((await run(['history'])).stdout).toContain(`\n${version}  `);
    const restored = `Restored version ${version} to ${box.pool}: 2 personas\n`;
    expect(await run(['restore', version])).toEqual({ code: 0, stderr: '', stdout: restored });
    expect((await new PersonaPool({ path: box.pool }).snapshot()).version).toBe(version);
    await run(['import', box.file('other.json', SAMPLE)]);
    expect(await run(['restore', '--pool', box.pool, version])).toEqual({ code: 0, stderr: '', stdout: restored });
    await run(['import', box.file('other.json', SAMPLE)]);
    expect(await run(['restore', version, `--pool=${box.pool}`])).toEqual({ code: 0, stderr: '', stdout: restored });
    expect(await run(['restore', '--', version])).toEqual({ code: 0, stderr: '', stdout: restored });
    // Still one version only, and options stay options.
    expect(await run(['restore', version, 'extra'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unexpected argument 'extra'") });
    expect(await run(['restore', version, '--json'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--json'") });
  }, 60_000);

  it('restore "" is a usage error; a version not kept points the shell user at persona-pool history', async () => {
    expect(await run(['restore', ''])).toEqual({ code: 2, stdout: '', stderr: `error: <version> is empty\n${usageOf('restore')}\n` });
    await run(['import', box.file('a.json', SAMPLE)]);
    const result = await run(['restore', 'no-such-version']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: No version no-such-version of the persona pool .+ can be restored: it is not kept in .+\. List the versions kept with "persona-pool history" \(with the same --pool or --store options\)\n$/);
    expect(result.stderr).not.toContain('pool.history()');
  });

  it('help prints the help; help <command> the command’s', async () => {
    expect(await run(['help'])).toEqual({ code: 0, stderr: '', stdout: `${PROGRAM_HELP}\n` });
    expect(PROGRAM_HELP).toContain('help [<command>]');
    expect(await run(['help', 'restore'])).toEqual({ code: 0, stderr: '', stdout: `${COMMAND_HELP.restore}\n` });
    expect(await run(['help', 'nope'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^error: unknown command 'nope'\nUsage: persona-pool <command>/) });
  });

  it('import --json of a file without a valid persona says why nothing was written', async () => {
    const empty = box.file('empty.json', '[]');
    const report = async (args: string[]) => {
      const result = await run(args);
      expect(result).toMatchObject({ code: 1, stderr: '' });
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    expect(await report(['import', '--json', empty])).toMatchObject({ version: null, reason: 'no valid personas: the list is empty: nothing was imported' });
    const bad = box.file('bad.json', [BAD_EMAIL, BAD_EMAIL]);
    expect(await report(['import', '--json', bad])).toMatchObject({ version: null, reason: 'no valid personas: all 2 entries are invalid: nothing was imported' });
    const one = box.file('one.json', [SAMPLE[0]]);
    const strict = await report(['import', '--json', '--strict', one]);
    expect(Object.keys(strict)).toEqual(['file', 'path', 'version', 'reason', 'personas', 'rejected', 'warnings']);
    expect(strict.reason).toBe('--strict turns the warnings into errors: nothing was imported');
    expect(fs.existsSync(box.pool)).toBe(false);
    // Written: no reason.
    expect(Object.keys(JSON.parse((await run(['import', '--json', box.file('ok.json', SAMPLE)])).stdout) as object)).not.toContain('reason');
  });
});

describe('show on a pool that is no file', () => {
  it('says Pool:, not Pool file:, and not that a file does not exist', async () => {
    let stdout = '';
    const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true }, env: {}, isTTY: false };
    const store = memoryStore();
    expect(await showPool({ options: {}, io, out: outputFor(io), store })).toBe(0);
    expect(stdout).toBe(`Pool: ${new PersonaPool({ store }).location}\nPersonas:  0 (nothing imported yet)\n`);
  });
});

describe('a write the disk refuses', () => {
  const options = { path: '/srv/pool/personas.json', envVar: 'DECNET_REALISM_PERSONAS' } as const;
  const error = (code: string) => Object.assign(new Error(code), { code });

  it.each([
    ['ENOSPC', 'no space left on the device (ENOSPC). Free space on the device, or pass a writable path.'],
    ['EDQUOT', 'the disk quota is exhausted (EDQUOT). Free space or raise the quota, or pass a writable path.'],
    ['EROFS', 'the file system is read-only (EROFS). Remount the file system read-write, or pass a writable path.'],
    ['EACCES', "permission denied (EACCES). Fix the folder's permissions or pass a writable path."],
  ])('%s: says what fixes it', (code, end) => {
    const failed = writeFailed(options.path, error(code), options as never);
    expect(failed).toMatchObject({ code: 'WRITE_FAILED', status: 500 });
    expect(failed.message).toBe(`Cannot write the persona pool ${options.path}: ${end}`);
  });
});
