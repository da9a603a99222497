// The persona-pool command line, run two ways: the built bin as a child process, and main() in-process.
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import lockfile from 'proper-lockfile';
import { describe, expect, it, vi } from 'vitest';
import { processIo } from '../../src/cli/io.js';
import { describeWarnings } from '../../src/cli/report.js';
import { inspectPersonas, PersonaPool } from '../../src/index.js';
import { BAD_EMAIL, BIN, NO_NAME, runBin, runMain, SAMPLE, sandboxEach, type Run, type Runner } from '../helpers/cli.js';
import { AS_UNPRIVILEGED, persona } from '../helpers/common.js';

const ANSI = /\u001b\[/;
const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const FEW = 'Warning: only 1 valid persona — the worker needs at least 2 to send mail';
const NO_NAME_REASONS = 'name is required; tone must be one of formal, direct, casual, technical, custom';
const ACTIV_HOURS = 'unknown field "activ_hours" is ignored; did you mean "active_hours"?';

const box = sandboxEach(true);

async function namesIn(path: string): Promise<string[]> {
  return (await new PersonaPool({ path }).load()).map((entry) => entry.name);
}

describe.each([
  ['the built bin', runBin],
  ['main() in-process', runMain],
] as const)('%s', (_, runner: Runner) => {
  /** Runs the CLI in the sandbox's environment (plus `env`); no run without a TTY ever prints colour. */
  async function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
    const result = await runner(args, { ...box.env, ...env });
    expect(result.stdout + result.stderr).not.toMatch(ANSI);
    return result;
  }

  describe('import', () => {
    it('installs a valid file at the path DECNET_REALISM_PERSONAS names, readable by PersonaPool', async () => {
      const result = await run(['import', box.file('personas.json', SAMPLE)]);
      expect(result).toEqual({ code: 0, stdout: `Imported 3 personas to ${box.pool}\n`, stderr: '' });
      const personas = await new PersonaPool({ path: box.pool }).load();
      expect(personas.map((entry) => [entry.name, entry.language, entry.uses_llms_heavily])).toEqual([
        ['Ann Lee', 'en', false],
        ['Bruno Costa', 'pt', true],
        ['Chen Wei', 'en', false],
      ]);
    });

    it('lists each invalid entry with its index, name and reasons, and imports the valid ones', async () => {
      const file = box.file('mixed.json', [SAMPLE[0], BAD_EMAIL, SAMPLE[1], NO_NAME, SAMPLE[2]]);
      const result = await run(['import', file]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        [
          `Warning: 2 of 5 entries in ${file} are invalid and will not be imported:`,
          '  #1 "Dana Fox": email must look like user@domain.tld',
          `  #3: ${NO_NAME_REASONS}`,
          '',
        ].join('\n'),
      );
      expect(result.stdout).toBe(`Imported 3 personas to ${box.pool}\n`);
      expect(await namesIn(box.pool)).toEqual(['Ann Lee', 'Bruno Costa', 'Chen Wei']);
    });

    it('warns when only one persona is valid, and imports it anyway', async () => {
      const file = box.file('one.json', [BAD_EMAIL, SAMPLE[0]]);
      const result = await run(['import', file]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Warning: 1 of 2 entries in ${file} is invalid and will not be imported:\n  #0 "Dana Fox"`);
      expect(result.stderr).toContain(`${FEW}; importing anyway\n`);
      expect(result.stdout).toBe(`Imported 1 persona to ${box.pool}\n`);
      expect(await namesIn(box.pool)).toEqual(['Ann Lee']);
    });

    it('accepts a file that starts with a byte order mark, as Windows editors write it', async () => {
      const file = box.file('bom.json', `\ufeff${JSON.stringify([SAMPLE[0], BAD_EMAIL, SAMPLE[1]])}`);
      const result = await run(['import', file]);
      expect(result).toMatchObject({ code: 0, stdout: `Imported 2 personas to ${box.pool}\n` });
      expect(result.stderr).toContain('  #1 "Dana Fox": email must look like user@domain.tld\n');
    });

    it('says when the file cannot be read, and writes nothing', async () => {
      const missing = join(box.dir, 'missing.json');
      expect(await run(['import', missing])).toEqual({ code: 1, stdout: '', stderr: `error: Cannot read ${missing}: no such file\n` });
      expect(await run(['import', box.dir])).toMatchObject({ code: 1, stderr: `error: Cannot read ${box.dir}: it is a folder, not a file\n` });
      const under = join(box.file('plain.txt', 'text'), 'x.json');
      expect((await run(['import', under])).stderr).toMatch(new RegExp(`^error: Cannot read ${under}: ENOTDIR: not a directory`));
      expect(fs.existsSync(box.pool)).toBe(false);
    });

    it('says where the JSON is invalid', async () => {
      const file = box.file('broken.json', '[\n  {"name": "Ann Lee",}\n]\n');
      const result = await run(['import', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error: Invalid JSON in ${file}: .+ \\(line 2, column 22\\)\\n$`));
      expect(fs.existsSync(box.pool)).toBe(false);
    });

    it('requires a JSON list', async () => {
      const file = box.file('object.json', { personas: SAMPLE });
      expect(await run(['import', file])).toEqual({ code: 1, stdout: '', stderr: `error: ${file} must contain a JSON list of personas\n` });
    });

    it('refuses a file without a valid persona, listing every entry with its reasons', async () => {
      const file = box.file('none.json', [BAD_EMAIL, NO_NAME]);
      const result = await run(['import', file]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: [
          `error: No valid personas in ${file}: all 2 entries are invalid:`,
          '  #0 "Dana Fox": email must look like user@domain.tld',
          `  #1: ${NO_NAME_REASONS}`,
          '',
        ].join('\n'),
      });
      expect(fs.existsSync(box.pool)).toBe(false);
    });

    it('refuses an empty list, an empty file and a single invalid entry', async () => {
      const empty = box.file('empty.json', '[]');
      expect(await run(['import', empty])).toMatchObject({ code: 1, stderr: `error: No valid personas in ${empty}: the list is empty\n` });
      // An empty file holds no list at all: it says so, with or without --json (which then prints no report).
      const blank = box.file('blank.json', '');
      expect(await run(['import', blank])).toEqual({ code: 1, stdout: '', stderr: `error: ${blank} is empty: it must contain a JSON list of personas\n` });
      expect(await run(['validate', '--json', blank])).toEqual({ code: 1, stdout: '', stderr: `error: ${blank} is empty: it must contain a JSON list of personas\n` });
      const file = box.file('single.json', [BAD_EMAIL]);
      expect((await run(['import', file])).stderr).toContain(`No valid personas in ${file}: its only entry is invalid:\n  #0 "Dana Fox"`);
    });

    it('refuses more than 10,000 entries', async () => {
      const file = box.file('many.json', Array.from({ length: 10_001 }, (_entry, n) => persona(n)));
      const result = await run(['import', file]);
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toBe(`error: Too many personas in ${file}: 10001, the limit is 10000: split or trim the list\n`);
    });

    it('reports a PersonaPoolError from the write with its message', async () => {
      const blocked = join(box.file('a-file', 'not a folder'), 'pool.json');
      const result = await run(['import', box.file('personas.json', SAMPLE), '--output', blocked]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^error: Cannot write the persona pool ${blocked}: .+ \\(E[A-Z]+\\)\\. Fix the folder's permissions or pass a writable path\\.\\n$`));
    });

    it('writes to --output, which wins over DECNET_REALISM_PERSONAS and --pool', async () => {
      const file = box.file('personas.json', SAMPLE);
      const output = join(box.dir, 'out', 'personas.json');
      const elsewhere = join(box.dir, 'elsewhere.json');
      expect((await run(['import', file, '-o', output])).stdout).toBe(`Imported 3 personas to ${output}\n`);
      expect((await run(['import', '--pool', elsewhere, `--output=${output}`, file])).stdout).toBe(`Imported 3 personas to ${output}\n`);
      expect(await namesIn(output)).toHaveLength(3);
      expect([fs.existsSync(box.pool), fs.existsSync(elsewhere)]).toEqual([false, false]);
    });

    it('writes to --pool, which wins over DECNET_REALISM_PERSONAS', async () => {
      const pool = join(box.dir, 'chosen.json');
      expect((await run(['--pool', pool, 'import', box.file('personas.json', SAMPLE)])).stdout).toBe(`Imported 3 personas to ${pool}\n`);
      expect(await namesIn(pool)).toHaveLength(3);
      expect(fs.existsSync(box.pool)).toBe(false);
    });
  });

  describe('validate', () => {
    it('exits 0 when every entry is valid, and writes nothing', async () => {
      const file = box.file('personas.json', SAMPLE);
      expect(await run(['validate', file])).toEqual({ code: 0, stdout: `${file} is valid: 3 personas\n`, stderr: '' });
      expect(fs.existsSync(box.pool)).toBe(false);
    });

    it('exits 1 with the listing when some entries are invalid, and writes nothing', async () => {
      const file = box.file('mixed.json', [SAMPLE[0], BAD_EMAIL, NO_NAME]);
      const result = await run(['validate', file]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: [
          `error: 2 of 3 entries in ${file} are invalid; import would skip them and keep 1 persona:`,
          '  #1 "Dana Fox": email must look like user@domain.tld',
          `  #2: ${NO_NAME_REASONS}`,
          `${FEW}`,
          '',
        ].join('\n'),
      });
      expect(fs.existsSync(box.pool)).toBe(false);
    });

    it('uses the singular for one invalid entry, and warns about a single valid persona', async () => {
      const partial = box.file('partial.json', [...SAMPLE, BAD_EMAIL]);
      expect((await run(['validate', partial])).stderr).toMatch(/^error: 1 of 4 entries in .+ is invalid; import would skip it and keep 3 personas:\n/);
      const single = box.file('single.json', [SAMPLE[2]]);
      expect(await run(['validate', single])).toEqual({ code: 0, stdout: `${single} is valid: 1 persona\n`, stderr: `${FEW}\n` });
    });

    it('fails as import does on unreadable, invalid and empty files', async () => {
      expect(await run(['validate', join(box.dir, 'nope.json')])).toMatchObject({ code: 1, stderr: expect.stringContaining('Cannot read') });
      expect(await run(['validate', box.file('broken.json', '[')])).toMatchObject({ code: 1, stderr: expect.stringContaining('Invalid JSON in') });
      expect(await run(['validate', box.file('empty.json', [])])).toMatchObject({ code: 1, stderr: expect.stringContaining('No valid personas') });
    });
  });

  describe('warnings', () => {
    /** SAMPLE with a typo, a shared mailbox and a window that cannot be read, and NO_NAME with a typo of its own. */
    const NOISY = [
      { ...SAMPLE[0], activ_hours: '07:00-15:00' },
      SAMPLE[1],
      { ...SAMPLE[2], email: SAMPLE[0].email.toUpperCase(), active_hours: '9-5' },
    ];
    const NOISY_LINES = [
      `  #0 "Ann Lee" activ_hours: ${ACTIV_HOURS}`,
      `  #2 "Chen Wei" email: email "${SAMPLE[0].email.toUpperCase()}" is already the email of entry #0 (compared without case): both personas would share one mailbox`,
      `  #2 "Chen Wei" active_hours: active_hours "9-5" is not a window HH:MM-HH:MM (hours 0–23, minutes 00–59, such as "09:00-18:00"): the persona will count as always active`,
    ];

    it('validate lists each warning with index, name, field and message, and still exits 0', async () => {
      const file = box.file('noisy.json', NOISY);
      expect(await run(['validate', file])).toEqual({
        code: 0,
        stdout: `${file} is valid: 3 personas\n`,
        stderr: [`Warning: 3 warnings in ${file}:`, ...NOISY_LINES, ''].join('\n'),
      });
    });

    it('validate --strict makes a warning an error: exit 1, no "is valid"', async () => {
      const file = box.file('noisy.json', NOISY);
      const result = await run(['validate', '--strict', file]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: [`Warning: 3 warnings in ${file}:`, ...NOISY_LINES, 'error: --strict turns the warnings above into errors', ''].join('\n'),
      });
      const single = box.file('single.json', [SAMPLE[0]]);
      expect(await run(['validate', single, '--strict'])).toEqual({ code: 1, stdout: '', stderr: `${FEW}\nerror: --strict turns the warnings above into errors\n` });
      const clean = box.file('clean.json', SAMPLE);
      expect(await run(['--strict', 'validate', clean])).toEqual({ code: 0, stdout: `${clean} is valid: 3 personas\n`, stderr: '' });
    });

    it('validate lists the warnings of a rejected entry too, a misspelt required field among them', async () => {
      const file = box.file('typo.json', [SAMPLE[0], { nmae: 'Bob Ray', email: 'bob@northwind.example', role: 'SRE' }, SAMPLE[1]]);
      const result = await run(['validate', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        [
          `error: 1 of 3 entries in ${file} is invalid; import would skip it and keep 2 personas:`,
          '  #1: name is required',
          `Warning: 1 warning in ${file}:`,
          '  #1 nmae: unknown field "nmae" is ignored; did you mean "name"?',
          '',
        ].join('\n'),
      );
      const none = box.file('none.json', [{ nmae: 'Bob Ray', email: 'bob@northwind.example', role: 'SRE' }]);
      expect((await run(['import', none])).stderr).toMatch(/its only entry is invalid:\n {2}#0: name is required\nWarning: 1 warning in .+:\n {2}#0 nmae: .+did you mean "name"\?\n$/);
    });

    it('import lists the warnings and imports as it would without them', async () => {
      const file = box.file('noisy.json', NOISY);
      const result = await run(['import', file]);
      expect(result).toEqual({ code: 0, stdout: `Imported 3 personas to ${box.pool}\n`, stderr: [`Warning: 3 warnings in ${file}:`, ...NOISY_LINES, ''].join('\n') });
      const written = await new PersonaPool({ path: box.pool }).load();
      expect(written.map((persona) => [persona.active_hours, persona.email])).toEqual([
        ['08:00-17:00', SAMPLE[0].email],
        ['22:00-06:00', SAMPLE[1].email],
        ['9-5', SAMPLE[0].email.toUpperCase()],
      ]);
    });

    it('import --strict writes nothing, and says so, when anything is warned about', async () => {
      const cases = [
        ['noisy.json', NOISY, `Warning: 3 warnings in`],
        ['mixed.json', [SAMPLE[0], BAD_EMAIL, SAMPLE[1]], 'Warning: 1 of 3 entries in'],
        ['single.json', [SAMPLE[0]], `${FEW}\n`],
      ] as const;
      for (const [name, content, warning] of cases) {
        const result = await run(['import', '--strict', box.file(name, content)]);
        expect(result).toMatchObject({ code: 1, stdout: '' });
        expect(result.stderr).toContain(warning);
        expect(result.stderr).not.toContain('importing anyway');
        expect(result.stderr.endsWith('error: --strict turns the warnings above into errors: nothing was imported\n')).toBe(true);
        expect(fs.existsSync(box.pool)).toBe(false);
      }
      expect(await run(['import', box.file('clean.json', SAMPLE), '--strict'])).toEqual({ code: 0, stdout: `Imported 3 personas to ${box.pool}\n`, stderr: '' });
    });

    it('validate --json prints { file, personas, rejected, warnings } and nothing else', async () => {
      const file = box.file('noisy.json', [...NOISY, BAD_EMAIL]);
      const result = await run(['validate', '--json', file]);
      expect(result).toMatchObject({ code: 1, stderr: '' });
      const report = JSON.parse(result.stdout) as Record<string, unknown>;
      const expected = inspectPersonas([...NOISY, BAD_EMAIL]);
      expect(Object.keys(report)).toEqual(['file', 'personas', 'rejected', 'warnings']);
      expect(report).toEqual(JSON.parse(JSON.stringify({ file, personas: expected.personas, rejected: expected.rejected, warnings: expected.warnings })));
      expect((report.warnings as unknown[]).length).toBe(3);
    });

    it('validate --json exits as validate does: 0 with warnings, 1 with --strict', async () => {
      const file = box.file('noisy.json', NOISY);
      const plain = await run(['validate', file, '--json']);
      expect(plain).toMatchObject({ code: 0, stderr: '' });
      const strict = await run(['validate', file, '--json', '--strict']);
      expect(strict).toEqual({ ...plain, code: 1 });
      const none = await run(['validate', '--json', box.file('none.json', [BAD_EMAIL])]);
      expect(none).toMatchObject({ code: 1, stderr: '' });
      expect(JSON.parse(none.stdout)).toMatchObject({ personas: [], rejected: [{ index: 0 }], warnings: [] });
    });

    it('import --json prints { file, path, version, personas, rejected, warnings }: the version written', async () => {
      const file = box.file('noisy.json', NOISY);
      const result = await run(['import', file, '--json']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const report = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(Object.keys(report)).toEqual(['file', 'path', 'version', 'personas', 'rejected', 'warnings']);
      const { version, personas } = await new PersonaPool({ path: box.pool }).snapshot();
      expect(report).toMatchObject({ file, path: box.pool, version, personas: JSON.parse(JSON.stringify(personas)), rejected: [] });
      expect((report.warnings as { code: string }[]).map((warning) => warning.code)).toEqual(['UNKNOWN_FIELD', 'DUPLICATE_EMAIL', 'BAD_ACTIVE_HOURS']);
    });

    it('import --json reports version null, exit 1, and writes nothing when it refuses', async () => {
      for (const args of [['--strict', box.file('noisy.json', NOISY)], [box.file('none.json', [BAD_EMAIL, NO_NAME])]]) {
        const result = await run(['import', '--json', ...args]);
        expect(result).toMatchObject({ code: 1, stderr: '' });
        expect(JSON.parse(result.stdout)).toMatchObject({ path: box.pool, version: null });
        expect(fs.existsSync(box.pool)).toBe(false);
      }
    });

    it('--json prints no report when the file cannot be read as a list, nor when the write fails', async () => {
      const missing = join(box.dir, 'missing.json');
      expect(await run(['validate', '--json', missing])).toEqual({ code: 1, stdout: '', stderr: `error: Cannot read ${missing}: no such file\n` });
      expect(await run(['import', '--json', box.file('object.json', { a: 1 })])).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('must contain a JSON list') });
      const blocked = join(box.file('a-file', 'not a folder'), 'pool.json');
      const failed = await run(['import', '--json', box.file('personas.json', SAMPLE), '-o', blocked]);
      expect(failed).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^error: Cannot write the persona pool /) });
    });
  });

  describe('show', () => {
    it('prints the path, the number of personas and a table', async () => {
      await run(['import', box.file('personas.json', SAMPLE)]);
      const result = await run(['show']);
      expect(result).toEqual({
        code: 0,
        stderr: '',
        stdout: [
          `Pool file: ${box.pool}`,
          'Personas:  3',
          '',
          'NAME         EMAIL                          ROLE                       TONE                    LANGUAGE  ACTIVE HOURS',
          'Ann Lee      ann.lee@northwind.example      Chief Financial Officer    formal                  en        08:00-17:00',
          'Bruno Costa  bruno.costa@northwind.example  Site Reliability Engineer  technical               pt        22:00-06:00',
          'Chen Wei     chen.wei@northwind.example     Office Manager             custom: warm but brisk  en        09:00-18:00',
          '',
        ].join('\n'),
      });
    });

    it('says when the pool file does not exist yet', async () => {
      expect(await run(['show'])).toEqual({ code: 0, stderr: '', stdout: `Pool file: ${box.pool}\nPersonas:  0 (the file does not exist yet)\n` });
    });

    it('warns on stderr when the pool file is unusable, and still exits 0', async () => {
      const pool = box.file('broken.json', '{"oops"');
      const result = await run(['show', '--pool', pool]);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(new RegExp(`^Warning: The persona pool ${pool} is not valid JSON: .+\\(line 1, column 8\\)\\n$`));
      expect(result.stdout).toBe(`Pool file: ${pool}\nPersonas:  0\n`);
    });

    it('--json prints { path, version, personas } as the pool reads them', async () => {
      await run(['import', box.file('personas.json', SAMPLE)]);
      const result = await run(['show', '--json']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const { path, version, personas } = await new PersonaPool({ path: box.pool }).snapshot();
      expect(JSON.parse(result.stdout)).toStrictEqual({ path, version, personas: JSON.parse(JSON.stringify(personas)) });
    });

    it('--json adds the problem when the pool file is unusable', async () => {
      const pool = box.file('object.json', { a: 1 });
      const result = await run(['show', '--json', '--pool', pool]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toMatchObject({ path: pool, personas: [], problem: { code: 'NOT_A_LIST' } });
    });
  });

  describe('path', () => {
    it('prints the path DECNET_REALISM_PERSONAS names, or --pool', async () => {
      expect(await run(['path'])).toEqual({ code: 0, stdout: `${box.pool}\n`, stderr: '' });
      const other = join(box.dir, 'other.json');
      expect((await run(['path'], { DECNET_REALISM_PERSONAS: other })).stdout).toBe(`${other}\n`);
      expect((await run(['path', '--pool', '/srv/decnet/personas.json'])).stdout).toBe('/srv/decnet/personas.json\n');
    });
  });

  describe('help, version and usage errors', () => {
    it('prints the program help with --help and -h', async () => {
      for (const flag of ['--help', '-h']) {
        const result = await run([flag]);
        expect(result).toMatchObject({ code: 0, stderr: '' });
        expect(result.stdout).toMatch(/^Usage: persona-pool <command> \[options\]\n/);
        for (const command of ['import <file>', 'validate <file>', 'show', 'path', 'history', 'restore <version>', '--pool <path>', '--version']) expect(result.stdout).toContain(command);
      }
    });

    it.each(['import', 'validate', 'show', 'path', 'history', 'restore'])('prints the help of %s', async (command) => {
      const result = await run([command, '--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^Usage: persona-pool ${command}\\b[^]*--pool <path>`));
    });

    it.each(['import', 'validate'])('lists --strict and --json in the help of %s', async (command) => {
      const { stdout } = await run([command, '--help']);
      expect(stdout).toMatch(new RegExp(`^Usage: persona-pool ${command} <file> .*\\[--strict\\] \\[--json\\]\n`));
      expect(stdout).toMatch(/\n {2}--strict {13}\S/);
      expect(stdout).toMatch(/\n {2}--json {15}Print \{ file, .*personas, rejected, warnings \} as JSON, nothing else\n/);
    });

    it('prints the version from package.json', async () => {
      expect(await run(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    });

    it.each([
      [[], 'missing command', 'Usage: persona-pool <command> [options]\nRun "persona-pool --help" for more.'],
      [['frobnicate'], "unknown command 'frobnicate'", 'Usage: persona-pool <command>'],
      [['--frobnicate'], "Unknown option '--frobnicate'", 'Usage: persona-pool <command>'],
      [['show', '--frobnicate'], "Unknown option '--frobnicate'", 'Usage: persona-pool show [--json] [--pool <path>] [--store <kind>] [--name <pool>] [--url <url>]\nRun "persona-pool show --help" for more.'],
      [['show', '-o', 'x.json'], "Unknown option '-o'", 'Usage: persona-pool show'],
      [['path', '--version'], "Unknown option '--version'", 'Usage: persona-pool path'],
      [['import'], 'missing <file>', 'Usage: persona-pool import <file>'],
      [['validate', 'a.json', 'b.json'], "unexpected argument 'b.json'", 'Usage: persona-pool validate <file>'],
      [['path', '--pool'], "Option '--pool <value>' argument missing", 'Usage: persona-pool path'],
      [['path', '--pool='], '--pool needs a path', 'Usage: persona-pool path'],
      [['import', 'a.json', '--output='], '--output needs a path', 'Usage: persona-pool import'],
      [['show', '--json=yes'], "Option '--json' does not take an argument", 'Usage: persona-pool show'],
      [['validate', 'a.json', '--strict=no'], "Option '--strict' does not take an argument", 'Usage: persona-pool validate'],
      [['show', '--strict'], "Unknown option '--strict'", 'Usage: persona-pool show'],
      [['path', '--json'], "Unknown option '--json'", 'Usage: persona-pool path'],
    ])('exits 2 with the usage on stderr for %j', async (args, message, usage) => {
      const result = await run(args);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(new RegExp(`^error: ${message.replace(/[[\]<>().*?|]/g, '\\$&')}\\n`));
      expect(result.stderr).toContain(usage);
    });

    it('prints no colour with NO_COLOR or without a terminal', async () => {
      for (const env of [{}, { NO_COLOR: '1' }]) {
        const result = await run(['import', box.file('one.json', [SAMPLE[0], BAD_EMAIL]), '--output', join(box.file('f', ''), 'x')], env);
        expect(result.stderr).toMatch(/^Warning: .+\n[^]*\nerror: Cannot write/);
      }
    });
  });
});

describe('the built bin only', () => {
  it('runs through a symbolic link, as npm installs it, thanks to its #! line and mode', async () => {
    expect(fs.readFileSync(BIN, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const link = join(box.dir, 'persona-pool');
    fs.symlinkSync(BIN, link);
    const result = await new Promise<Run>((resolve) => {
      execFile(link, ['--version'], { env: box.env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
    });
    expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('reports a file it has no permission to read', async () => {
    const file = box.file('secret.json', SAMPLE);
    fs.chmodSync(file, 0o000);
    const result = await runBin(['validate', file], box.env, false, AS_UNPRIVILEGED);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `error: Cannot read ${file}: permission denied\n` });
  });

  it('exits 1 with the LOCKED message while another writer holds the lock', async () => {
    fs.mkdirSync(join(box.dir, 'pool'));
    const release = await lockfile.lock(box.pool, { realpath: false, lockfilePath: `${box.pool}.lock`, stale: 10_000, update: 1_000 });
    try {
      const result = await runBin(['import', box.file('personas.json', SAMPLE)], box.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: The persona pool ${box.pool} is locked by another writer (${box.pool}.lock)`);
      expect(fs.existsSync(box.pool)).toBe(false);
    } finally {
      await release();
    }
  });
});

describe('main() only', () => {
  const tty = (args: readonly string[], env: Record<string, string> = {}) => runMain(args, { ...box.env, ...env }, true);

  it('colours "error" red and "Warning" yellow on a terminal', async () => {
    const file = box.file('one.json', [SAMPLE[0]]);
    expect((await tty(['import', file])).stderr).toBe(`\u001b[33mWarning\u001b[39m: ${FEW.slice('Warning: '.length)}; importing anyway\n`);
    expect((await tty(['import', join(box.dir, 'nope.json')])).stderr).toBe(`\u001b[31merror\u001b[39m: Cannot read ${join(box.dir, 'nope.json')}: no such file\n`);
    expect((await tty(['nope'], { NO_COLOR: '' })).stderr).toMatch(/^\u001b\[31merror\u001b\[39m: unknown command/);
  });

  it('never colours with NO_COLOR set or TERM=dumb', async () => {
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: 'false' }, { TERM: 'dumb' }]) {
      expect((await tty(['nope'], env)).stderr).not.toMatch(ANSI);
    }
  });

  it('prints text from the file safely: control characters escaped, long cells cut', async () => {
    const name = 'Mallory \u001b[2J\u009b';
    const long = 'Vice President of Strategic Partnerships and Alliances';
    const file = box.file('evil.json', [{ ...SAMPLE[0], name, role: long }, SAMPLE[1], { ...BAD_EMAIL, name: `${'x'.repeat(70)}\n` }]);
    const imported = await runMain(['import', file], box.env);
    expect(imported.stderr).toContain(`  #2 "${'x'.repeat(59)}…": email must look like`);
    const { stdout } = await runMain(['show'], box.env);
    expect(stdout).not.toMatch(/[\u001b\u009b]/);
    expect(stdout).toContain('Mallory \\u{1b}[2J\\u{9b}  ');
    expect(stdout).toContain(`${long.slice(0, 39)}…  `);
  });

  it('prints warnings safely: control characters in names and keys escaped, "Warning" yellow only on a terminal', async () => {
    const file = box.file('evil.json', [{ ...SAMPLE[0], name: 'Mallory \u001b[2J', 'x\u001b[31m': 1 }, SAMPLE[1]]);
    const plain = await runMain(['validate', file], box.env);
    expect(plain.stderr).toBe(`Warning: 1 warning in ${file}:\n  #0 "Mallory \\u001b[2J" x\\u{1b}[31m: unknown field "x\\u001b[31m" is ignored\n`);
    expect((await tty(['validate', file])).stderr).toMatch(/^\u001b\[33mWarning\u001b\[39m: 1 warning in /);
    expect((await tty(['validate', file], { NO_COLOR: '1' })).stderr).toBe(plain.stderr);
  });

  it('writes a warning about a whole entry (path "") without a field', () => {
    const warnings = [{ index: 1, path: '', code: 'UNKNOWN_FIELD', message: 'about the entry' }] as const;
    expect(describeWarnings({ list: [SAMPLE[0], SAMPLE[1]], warnings })).toEqual(['  #1 "Bruno Costa": about the entry']);
  });

  it('treats entries that are not objects, or whose name is not text, as nameless', async () => {
    const file = box.file('odd.json', [SAMPLE[0], SAMPLE[1], 7, { ...BAD_EMAIL, name: 12 }, { ...BAD_EMAIL, name: '  ' }]);
    const { stderr } = await runMain(['validate', file], box.env);
    expect(stderr).toContain('  #2: a persona must be a JSON object, found a number\n  #3: name must be text; email must look like user@domain.tld\n  #4: ');
  });

  it('reports anything thrown, even a non-Error, as exit 1', async () => {
    const io = { stdout: { write: () => { throw 'stdout is gone'; } }, stderr: { write: vi.fn() }, env: box.env, isTTY: false };
    const { main } = await import('../../src/cli/main.js');
    expect(await main(['path'], io)).toBe(1);
    expect(io.stderr.write).toHaveBeenCalledWith('error: stdout is gone\n');
  });

  it('processIo() wires the process, and a reader closing stdout early is not a crash', () => {
    const stream = (isTTY?: boolean) => Object.assign(new EventEmitter(), { write: () => true }, isTTY === undefined ? {} : { isTTY });
    const proc = { stdout: stream(), stderr: stream(true), env: box.env };
    const io = processIo(proc);
    expect(io).toEqual({ stdout: proc.stdout, stderr: proc.stderr, env: box.env, isTTY: true, stdin: undefined });
    const stdin = Readable.from([]);
    expect(processIo({ ...proc, stdin }).stdin?.()).toBe(stdin);
    expect(processIo({ ...proc, stderr: stream() }).isTTY).toBe(false);
    const fail = (code: string) => Object.assign(new Error(code), { code });
    expect(() => proc.stdout.emit('error', fail('EPIPE'))).not.toThrow();
    expect(() => proc.stdout.emit('error', fail('ERR_STREAM_DESTROYED'))).not.toThrow();
    expect(() => proc.stdout.emit('error', fail('EIO'))).toThrow('EIO');
  });

  it('bin.ts runs main() on the process arguments and sets process.exitCode', async () => {
    const { argv, exitCode } = process;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    process.argv = [argv[0] ?? 'node', 'persona-pool', '--version'];
    try {
      await import('../../src/bin.js');
      expect(write).toHaveBeenCalledWith(`${VERSION}\n`);
      expect(process.exitCode).toBe(0);
    } finally {
      process.argv = argv;
      process.exitCode = exitCode;
      write.mockRestore();
    }
  });

  it('keeps the library free of the command line', () => {
    expect(fs.readFileSync(new URL('../../src/index.ts', import.meta.url), 'utf8')).not.toMatch(/cli/);
  });
});
