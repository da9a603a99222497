// Every option a command accepts (the parser's option table in src/cli/main.ts) is in its --help, in its
// usage line, and in the synopsis of docs/cli.md; so an option cannot be added without its words.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/cli/main.js';
import { COMMAND_HELP, COMMANDS, PROGRAM_HELP } from '../../src/cli/help.js';
import { runMain } from '../helpers/cli.js';

const SYNOPSIS = (() => {
  const doc = fs.readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Synopsis'));
  return section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
})();

/** The options of a command, as `[long, short, type]`. */
function optionsOf(command: (typeof COMMANDS)[number]): [string, string | undefined, string][] {
  return Object.entries(OPTIONS[command]).map(([long, spec]) => [long, spec.short, spec.type]);
}

/** The help's option lines (after `Options:`), read as `  [-s, ]--long[ <value>]  description`. */
function optionLines(help: string): { short: string | undefined; long: string; value: string | undefined }[] {
  const lines = help.slice(help.indexOf('\nOptions:\n')).split('\n').filter((line) => line.startsWith('  -'));
  return lines.map((line) => {
    const [, short, long = '', value] = /^ {2}(?:-(\w), )?--([\w-]+)(?: (<\w+>))?(?: {2,}|$)/.exec(line) ?? [];
    return { short, long, value };
  });
}

describe.each(COMMANDS.map((command) => [command]))('persona-pool %s --help', (command) => {
  const help = COMMAND_HELP[command];

  it('is what the command prints', async () => {
    expect(await runMain([command, '--help'], {})).toEqual({ code: 0, stdout: `${help}\n`, stderr: '' });
  });

  it.each(optionsOf(command))('lists --%s (short form %s, %s) with both forms and its value', (long, short, type) => {
    const line = optionLines(help).find((option) => option.long === long);
    expect(line, `--${long} in ${command} --help`).toBeDefined();
    expect(line?.short).toBe(short);
    // A string option shows its value, `--pool <path>`; a boolean one shows none.
    expect(line?.value === undefined).toBe(type === 'boolean');
  });

  it('names every option but --help in its usage line and in the synopsis of docs/cli.md', () => {
    const usage = help.slice(0, help.indexOf('\n'));
    const synopsis = SYNOPSIS.split('\n').find((line) => line.startsWith(`persona-pool ${command} `) && !line.includes('--help'));
    expect(synopsis, `${command} in docs/cli.md's synopsis`).toBeDefined();
    for (const [long, short] of optionsOf(command).filter(([long]) => long !== 'help')) {
      const forms = [`--${long}`, ...(short === undefined ? [] : [`-${short}`])];
      expect(forms.some((form) => usage.includes(`[${form} `) || usage.includes(`[${form}]`)), `${long} in "${usage}"`).toBe(true);
      expect(forms.every((form) => synopsis?.includes(form)), `${long} in "${synopsis}"`).toBe(true);
    }
  });

  it('lists no option the command does not take', () => {
    const taken = optionsOf(command).map(([long]) => long);
    for (const { long } of optionLines(help)) expect(taken).toContain(long);
  });
});

describe('persona-pool --help', () => {
  it('lists the options every command takes, and --version', () => {
    const common = Object.keys(OPTIONS.import).filter((long) => COMMANDS.every((command) => long in OPTIONS[command]));
    expect(common).toEqual(expect.arrayContaining(['pool', 'help']));
    const listed = optionLines(PROGRAM_HELP);
    for (const long of [...common, 'version']) expect(listed.some((option) => option.long === long), long).toBe(true);
    expect(listed.find((option) => option.long === 'help')?.short).toBe('h');
  });
});
