import { createRequire } from 'node:module';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { importFile, printPath, showPool, validateFile, type CommandContext, type CommandOptions } from './commands.js';
import { restoreVersion, showHistory } from './history.js';
import { COMMAND_HELP, isCommand, PROGRAM_HELP, usageOf, type Command } from './help.js';
import { outputFor, type CliIo, type Output } from './io.js';
import { dashOperand } from './operand.js';
import { openStore, storeMisuse } from './store.js';

export type { CliIo, Writer } from './io.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const COMMON = { pool: { type: 'string' }, store: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;

/** The options of the commands that check a file: a machine-readable report, and warnings as errors. */
const CHECKS = { json: { type: 'boolean' }, strict: { type: 'boolean' } } as const satisfies OptionSpec;

/** Each command's options, as `util.parseArgs` takes them: every one is listed in the command's help (a test checks). */
export const OPTIONS: Readonly<Record<Command, OptionSpec>> = {
  import: { ...COMMON, ...CHECKS, output: { type: 'string', short: 'o' } },
  validate: { ...COMMON, ...CHECKS },
  show: { ...COMMON, json: { type: 'boolean' } },
  path: COMMON,
  history: { ...COMMON, json: { type: 'boolean' } },
  restore: COMMON,
};

/** Every option of every command, and `--version`: what may stand before the command. */
const EVERY_OPTION: OptionSpec = { ...OPTIONS.import, ...OPTIONS.show, version: { type: 'boolean' } };

/** The one operand a command takes, if any. */
const OPERAND: Readonly<Record<Command, string | undefined>> = {
  import: '<file>',
  validate: '<file>',
  show: undefined,
  path: undefined,
  history: undefined,
  restore: '<version>',
};

const RUN: Readonly<Record<Command, (operands: readonly string[], context: CommandContext) => number | Promise<number>>> = {
  import: ([file], context) => importFile(String(file), context),
  validate: ([file], context) => validateFile(String(file), context),
  show: (_, context) => showPool(context),
  path: (_, context) => printPath(context),
  history: (_, context) => showHistory(context),
  restore: ([version], context) => restoreVersion(String(version), context),
};

interface Parsed {
  readonly values: CommandOptions & { readonly help?: boolean | undefined; readonly version?: boolean | undefined };
  readonly positionals: readonly string[];
}

/** Parses strictly; a malformed command line gives node's message, without its hint about `--`. */
function parse(argv: readonly string[], options: OptionSpec): Parsed | string {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }) as Parsed;
  } catch (error) {
    return (error as Error).message.replace(/\. To specify .*/s, '');
  }
}

/** The package's version, from its own manifest by name (the same from src/, dist/ or a bundle of either). */
function version(): string {
  const manifest = createRequire(import.meta.url)('persona-pool/package.json') as { version: string };
  return manifest.version;
}

/** `persona-pool` without a command: `--help`, `--version`, or a usage error. */
function program(argv: readonly string[], out: Output): number {
  const parsed = parse(argv, EVERY_OPTION);
  if (typeof parsed === 'string') return out.usage(parsed, usageOf());
  if (parsed.values.help === true) return (out.result(PROGRAM_HELP), 0);
  if (parsed.values.version === true) return (out.result(version()), 0);
  return out.usage('missing command', usageOf());
}

/** `persona-pool help [<command>]`: the program's help, or a command's. */
function help(argv: readonly string[], out: Output): number {
  const parsed = parse(argv, { help: COMMON.help });
  if (typeof parsed === 'string') return out.usage(parsed, usageOf());
  const [, topic, extra] = parsed.positionals;
  if (extra !== undefined) return out.usage(`unexpected argument '${extra}'`, usageOf());
  if (topic === undefined) return (out.result(PROGRAM_HELP), 0);
  if (!isCommand(topic)) return out.usage(`unknown command '${topic}'`, usageOf());
  return (out.result(COMMAND_HELP[topic]), 0);
}

function misuse(name: Command, { values, positionals }: Parsed): string | undefined {
  const operands = positionals.slice(1);
  const wanted = OPERAND[name] === undefined ? 0 : 1;
  if (operands.length < wanted) return `missing ${String(OPERAND[name])}`;
  if (operands.length > wanted) return `unexpected argument '${String(operands[wanted])}'`;
  if (operands[0] === '') return `${String(OPERAND[name])} is empty`;
  if (values.output === '') return '--output needs a path';
  return values.pool === '' ? '--pool needs a path' : storeMisuse(values);
}

/** Parses a command's arguments; `restore` takes its version even when it starts with `-`. */
function parseCommand(name: Command, argv: readonly string[]): Parsed | string {
  const { argv: rest, operand } = name === 'restore' ? dashOperand(argv, OPTIONS[name]) : { argv, operand: undefined };
  const parsed = parse(rest, OPTIONS[name]);
  if (typeof parsed === 'string' || operand === undefined) return parsed;
  const [word, ...others] = parsed.positionals;
  return { values: parsed.values, positionals: [String(word), operand, ...others] };
}

async function command(name: Command, argv: readonly string[], io: CliIo, out: Output): Promise<number> {
  const parsed = parseCommand(name, argv);
  if (typeof parsed === 'string') return out.usage(parsed, usageOf(name));
  if (parsed.values.help === true) return (out.result(COMMAND_HELP[name]), 0);
  const problem = misuse(name, parsed);
  if (problem !== undefined) return out.usage(problem, usageOf(name));
  const opened = name === 'validate' ? undefined : await openStore(parsed.values, io.env);
  try {
    if (opened !== undefined && (name === 'import' || name === 'restore')) await opened.setup();
    return await RUN[name](parsed.positionals.slice(1), { options: parsed.values, io, out, store: opened?.store });
  } finally {
    await opened?.close();
  }
}

async function run(argv: readonly string[], io: CliIo, out: Output): Promise<number> {
  const [word] = parseArgs({ args: [...argv], options: EVERY_OPTION, strict: false, allowPositionals: true }).positionals;
  if (word === undefined) return program(argv, out);
  if (word === 'help') return help(argv, out);
  if (!isCommand(word)) return out.usage(`unknown command '${word}'`, usageOf());
  return command(word, argv, io, out);
}

/**
 * The `persona-pool` command line: `import`, `validate`, `show`, `path`, `history` and `restore`. Results go to
 * stdout, everything else to stderr; it never exits the process, it returns the exit code.
 *
 * @param argv - The arguments after the program name.
 * @param io - Where to write, the environment, and whether stderr is a terminal.
 * @returns 0 on success, 1 on failure, 2 for a malformed command line.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const out = outputFor(io);
  try {
    return await run(argv, io, out);
  } catch (error) {
    return out.fail(error instanceof Error ? error.message : String(error));
  }
}
