// The command line's history, restore, standard input (`-`) and special files.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { PersonaPool } from '../../src/index.js';
import { BAD_EMAIL, BIN, runBin, runMain, SAMPLE, sandboxEach, type Run, type Runner } from '../helpers/cli.js';
import { persona } from '../helpers/common.js';

const box = sandboxEach();

/** Runs the built bin with `input` piped to its standard input. */
function piped(args: readonly string[], input: string | Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: box.env, cwd: box.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs `main()` in-process with `stdin` as its standard input (or none). */
async function withStdin(args: readonly string[], stdin: (() => AsyncIterable<Uint8Array | string>) | undefined): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: box.env, isTTY: false, stdin };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const versionsOf = async (path = box.pool) => (await new PersonaPool({ path }).history()).map((entry) => entry.version);

describe.each([
  ['the built bin', runBin],
  ['main() in-process', runMain],
] as const)('%s', (_, runner: Runner) => {
  const run = (args: readonly string[]) => runner(args, box.env);
  const importList = async (list: unknown) => (await run(['import', box.file('input.json', list)])).code;

  describe('history', () => {
    it('says when no version is kept yet', async () => {
      expect(await run(['history'])).toEqual({ code: 0, stderr: '', stdout: `Pool file: ${box.pool}\nVersions kept: 0 (each import keeps the version it replaces)\n` });
    });

    it('lists the versions replaced, newest first, as a table', async () => {
      for (const list of [[SAMPLE[0]], SAMPLE, [SAMPLE[1]]]) expect(await importList(list)).toBe(0);
      const history = await new PersonaPool({ path: box.pool }).history();
      const result = await run(['history']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.split('\n')).toEqual([
        `Pool file: ${box.pool}`,
        'Versions kept: 2',
        '',
        `VERSION${' '.repeat(22)}SAVED AT${' '.repeat(18)}PERSONAS  REPLACED BY`,
        ...history.map(({ version, savedAt, count }) => `${version}  ${savedAt}  ${count}${' '.repeat(9)}cli:${userInfo().username}`),
        '',
      ]);
      expect(history.map((entry) => entry.count)).toEqual([3, 1]);
      expect(history.map((entry) => entry.by)).toEqual([`cli:${userInfo().username}`, `cli:${userInfo().username}`]);
    });

    it('--json prints { path, versions }, and --pool chooses the pool', async () => {
      const other = join(box.dir, 'other.json');
      await run(['import', box.file('a.json', SAMPLE), '--pool', other]);
      await run(['import', box.file('b.json', [SAMPLE[0]]), '--pool', other]);
      const result = await run(['history', '--json', '--pool', other]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toEqual({ path: other, versions: await new PersonaPool({ path: other }).history() });
    });
  });

  describe('restore', () => {
    it('puts a version back, and keeps the version it replaces', async () => {
      await importList(SAMPLE);
      await importList([SAMPLE[0]]);
      const [version] = await versionsOf();
      const now = (await new PersonaPool({ path: box.pool }).snapshot()).version;
      expect(await run(['restore', String(version)])).toEqual({ code: 0, stderr: '', stdout: `Restored version ${version} to ${box.pool}: 3 personas\n` });
      expect((await new PersonaPool({ path: box.pool }).snapshot()).version).toBe(version);
      expect((await versionsOf())[0]).toBe(now);
    });

    it('exits 1 with the message for a version not kept, and writes nothing', async () => {
      await importList(SAMPLE);
      const result = await run(['restore', 'no-such-version']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: No version no-such-version of the persona pool .+ can be restored: it is not kept in .+\. List the versions kept/);
      expect(await new PersonaPool({ path: box.pool }).load()).toHaveLength(3);
    });

    it('warns about entries of the version that are invalid and left out', async () => {
      fs.mkdirSync(join(box.dir, 'pool'));
      fs.writeFileSync(box.pool, JSON.stringify([SAMPLE[0], BAD_EMAIL, SAMPLE[1]]));
      await importList([SAMPLE[2]]);
      const [version] = await versionsOf();
      const result = await run(['restore', String(version)]);
      expect(result).toMatchObject({ code: 0, stdout: `Restored version ${version} to ${box.pool}: 2 personas\n` });
      expect(result.stderr).toBe(`Warning: 1 entry of version ${version} is invalid and was left out:\n  #1: email must look like user@domain.tld\n`);
    });

    it('exits 2 without a version, or with two', async () => {
      expect(await run(['restore'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: missing <version>\nUsage: persona-pool restore <version>/) });
      expect(await run(['restore', 'a', 'b'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unexpected argument 'b'") });
      expect(await run(['restore', 'a', '--json'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--json'") });
    });

    it('lists every option in its help, and history in its', async () => {
      expect((await run(['restore', '--help'])).stdout).toMatch(/^Usage: persona-pool restore <version> \[--pool <path>\][^]*--pool <path>[^]*-h, --help/);
      expect((await run(['history', '-h'])).stdout).toMatch(/^Usage: persona-pool history \[--json\] \[--pool <path>\][^]*--json[^]*--pool <path>[^]*-h, --help/);
    });
  });

  describe('special files', () => {
    it('refuses to import to a pool that is a device, exits 1, and leaves the device', async () => {
      const device = join(box.dir, 'null');
      execFileSync('mknod', [device, 'c', '1', '3']);
      const result = await runner(['import', box.file('personas.json', SAMPLE)], { ...box.env, DECNET_REALISM_PERSONAS: device });
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toBe(`error: The persona pool ${device} is a character device, not a regular file: nothing was written and it was left as it is. Point the pool at a regular file (set DECNET_REALISM_PERSONAS to a writable file path)\n`);
      expect(fs.statSync(device).isCharacterDevice()).toBe(true);
      expect(fs.readdirSync(box.dir).sort()).toEqual(['null', 'personas.json']);
    });

    it('shows a pool that is a named pipe as unusable, and exits 0', async () => {
      const fifo = join(box.dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const result = await run(['show', '--pool', fifo]);
      expect(result).toEqual({
        code: 0,
        stdout: `Pool file: ${fifo}\nPersonas:  0\n`,
        stderr: `Warning: The persona pool ${fifo} is a named pipe (FIFO), not a regular file: nothing was read. Point the pool at a regular JSON file\n`,
      });
      expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    });

    it('refuses an input file that is a named pipe or a device, pointing at -', async () => {
      const fifo = join(box.dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const zero = join(box.dir, 'zero');
      execFileSync('mknod', [zero, 'c', '1', '5']);
      for (const [file, what] of [[fifo, 'a named pipe (FIFO)'], [zero, 'a character device']] as const) {
        for (const command of ['validate', 'import']) {
          expect(await run([command, file])).toEqual({ code: 1, stdout: '', stderr: `error: Cannot read ${file}: it is ${what}, not a regular file: pass a regular file, or - to read standard input\n` });
        }
      }
      expect(fs.existsSync(box.pool)).toBe(false);
    });
  });
});

describe('- is standard input', () => {
  it('imports what is piped in', async () => {
    expect(await piped(['import', '-'], JSON.stringify(SAMPLE))).toEqual({ code: 0, stdout: `Imported 3 personas to ${box.pool}\n`, stderr: '' });
    expect(await new PersonaPool({ path: box.pool }).load()).toHaveLength(3);
  });

  it('validates what is piped in, naming it standard input', async () => {
    expect(await piped(['validate', '-'], JSON.stringify(SAMPLE))).toEqual({ code: 0, stdout: 'standard input is valid: 3 personas\n', stderr: '' });
    const mixed = await piped(['validate', '-'], JSON.stringify([SAMPLE[0], BAD_EMAIL, SAMPLE[1]]));
    expect(mixed.stderr).toMatch(/^error: 1 of 3 entries in standard input is invalid; import would skip it and keep 2 personas:\n {2}#1 "Dana Fox"/);
    expect(mixed.code).toBe(1);
  });

  it('reports invalid JSON and empty input on standard input, and writes nothing', async () => {
    const broken = await piped(['import', '-'], '[\n  {"name": "Ann Lee",}\n]\n');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: Invalid JSON in standard input: .+ \(line 2, column 22\)\n$/);
    expect(await piped(['import', '-'], '')).toMatchObject({ code: 1, stderr: 'error: standard input is empty: it must contain a JSON list of personas\n' });
    expect(fs.existsSync(box.pool)).toBe(false);
  });

  it('reads chunks of any kind, and refuses more than 16 MiB', async () => {
    const chunks = [JSON.stringify(SAMPLE).slice(0, 10), Buffer.from(JSON.stringify(SAMPLE).slice(10))];
    expect(await withStdin(['validate', '-'], () => Readable.from(chunks))).toMatchObject({ code: 0, stdout: 'standard input is valid: 3 personas\n' });
    const huge = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20);
    expect(await withStdin(['import', '-'], () => Readable.from([huge]))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: Cannot read standard input: it is larger than 16777216 bytes, the limit of a pool file: split or trim it\n',
    });
  });

  it('refuses an input file over 16 MiB without reading it', async () => {
    const file = join(box.dir, 'huge.json');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 16 * 1024 * 1024 + 1);
    expect(await runMain(['validate', file], box.env)).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: Cannot read ${file}: it is larger than 16777216 bytes, the limit of a pool file: split or trim it\n`,
    });
  });

  it('says when there is no standard input to read', async () => {
    expect(await withStdin(['validate', '-'], undefined)).toEqual({ code: 1, stdout: '', stderr: 'error: Cannot read standard input: standard input is not available here\n' });
  });

  it('still reads a file named "-" given by a path', async () => {
    const file = box.file('-', [persona(1), persona(2)]);
    expect(await withStdin(['validate', file], undefined)).toMatchObject({ code: 0, stdout: `${file} is valid: 2 personas\n` });
  });
});
