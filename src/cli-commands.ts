import { checkFile, describeRejected, plural, warnIfFew, type CheckedFile } from './cli-input.js';
import type { CliIo, Output } from './cli-io.js';
import { personaTable } from './cli-table.js';
import { PersonaPool } from './pool.js';
import { ABSENT_VERSION } from './snapshot.js';

/** The options a command was given; each command takes a subset. */
export interface CommandOptions {
  readonly pool?: string | undefined;
  readonly output?: string | undefined;
  readonly json?: boolean | undefined;
}

/** What a command runs with. */
export interface CommandContext {
  /** Its options. */
  readonly options: CommandOptions;
  /** Its outside world. */
  readonly io: CliIo;
  /** Where it speaks. */
  readonly out: Output;
}

/**
 * The pool a command works on: `--output`, else `--pool`, else the path resolved from the environment.
 *
 * @param context - The command's options and io.
 * @returns The pool.
 */
export function poolOf({ options, io }: CommandContext): PersonaPool {
  return new PersonaPool({ env: io.env, path: options.output ?? options.pool });
}

function invalidEntries({ file, list, rejected }: CheckedFile): string {
  return `${rejected.length} of ${plural(list.length, 'entry')} in ${file} ${rejected.length === 1 ? 'is' : 'are'} invalid`;
}

/**
 * `import <file>`: validates the file and installs its valid personas as the pool, locked and atomic.
 *
 * @param file - The persona file; `-` reads standard input.
 * @param context - Options, io and output.
 * @returns The exit code: 0 when imported, 1 otherwise.
 */
export async function importFile(file: string, context: CommandContext): Promise<number> {
  const { out } = context;
  const checked = await checkFile(file, out, context.io);
  if (checked === 1) return 1;
  if (checked.rejected.length > 0) {
    out.warn(`${invalidEntries(checked)} and will not be imported:`);
    out.note(...describeRejected(checked));
  }
  warnIfFew(checked, out, '; importing anyway');
  const { personas, path } = await poolOf(context).replace(checked.list);
  out.result(`Imported ${plural(personas.length, 'persona')} to ${path}`);
  return 0;
}

/**
 * `validate <file>`: the checks and report of `import`, writing nothing.
 *
 * @param file - The persona file; `-` reads standard input.
 * @param context - Options, io and output.
 * @returns The exit code: 0 when every entry is valid, 1 otherwise.
 */
export async function validateFile(file: string, { out, io }: CommandContext): Promise<number> {
  const checked = await checkFile(file, out, io);
  if (checked === 1) return 1;
  if (checked.rejected.length === 0) out.result(`${checked.file} is valid: ${plural(checked.personas.length, 'persona')}`);
  else {
    out.fail(`${invalidEntries(checked)}; import would skip ${checked.rejected.length === 1 ? 'it' : 'them'} and keep ${plural(checked.personas.length, 'persona')}:`);
    out.note(...describeRejected(checked));
  }
  warnIfFew(checked, out);
  return checked.rejected.length === 0 ? 0 : 1;
}

/**
 * `show`: the pool's path, its number of personas and a table of them; or, with `--json`,
 * `{ path, version, personas }` and `problem` when the file is unusable.
 *
 * @param context - Options, io and output.
 * @returns The exit code: 0.
 */
export async function showPool(context: CommandContext): Promise<number> {
  const { out, options } = context;
  const { path, version, personas, problem } = await poolOf(context).snapshot();
  if (options.json === true) {
    out.result(JSON.stringify({ path, version, personas, ...(problem ? { problem } : {}) }, null, 2));
    return 0;
  }
  if (problem) out.warn(problem.message);
  const absent = version === ABSENT_VERSION ? ' (the file does not exist yet)' : '';
  out.result(`Pool file: ${path}`, `Personas:  ${personas.length}${absent}`);
  if (personas.length > 0) out.result('', ...personaTable(personas));
  return 0;
}

/**
 * `path`: the path the pool resolves to now.
 *
 * @param context - Options, io and output.
 * @returns The exit code: 0.
 */
export function printPath(context: CommandContext): number {
  context.out.result(poolOf(context).resolvePath());
  return 0;
}
