import { cliBy } from './by.js';
import { checkFile, describeRejected, noneValid, plural, warnIfFew, whyNone, type CheckedFile } from './input.js';
import type { CliIo, Output } from './io.js';
import { hasWarnings, importReport, printReport, printWarnings, validateReport } from './report.js';
import { personaTable } from './table.js';
import { PersonaPool } from '../persona-pool.js';
import { fileStore } from '../stores/file/store.js';
import { ABSENT_VERSION } from '../version.js';
import type { PersonaStore } from '../stores/types.js';

/** The options a command was given; each command takes a subset. */
export interface CommandOptions {
  readonly pool?: string | undefined;
  readonly output?: string | undefined;
  readonly json?: boolean | undefined;
  readonly strict?: boolean | undefined;
  /** `file` (the default) or `postgres`. */
  readonly store?: string | undefined;
  /** With `--store postgres`: the pool's name. */
  readonly name?: string | undefined;
  /** With `--store remote`: the API's personas endpoint. */
  readonly url?: string | undefined;
}

/** What a command runs with. */
export interface CommandContext {
  /** Its options. */
  readonly options: CommandOptions;
  /** Its outside world. */
  readonly io: CliIo;
  /** Where it speaks. */
  readonly out: Output;
  /** The store `--store postgres` opened; undefined for the file store. */
  readonly store?: PersonaStore | undefined;
}

/**
 * The pool a command works on: the store `--store postgres` opened, else `--output`, else `--pool`, else
 * the path resolved from the environment.
 *
 * @param context - The command's options and io.
 * @returns The pool.
 */
export function poolOf({ options, io, store }: CommandContext): PersonaPool {
  return new PersonaPool({ store: store ?? fileStore({ env: io.env, path: options.output ?? options.pool }) });
}

/**
 * How `show` and `history` head their output: `Pool file:` for a file, `Pool:` for a pool in a database.
 *
 * @param context - The command's store, if any.
 * @returns The label.
 */
export function poolLabel({ store }: Pick<CommandContext, 'store'>): string {
  return store === undefined ? 'Pool file:' : 'Pool:';
}

function invalidEntries({ file, list, rejected }: CheckedFile): string {
  return `${rejected.length} of ${plural(list.length, 'entry')} in ${file} ${rejected.length === 1 ? 'is' : 'are'} invalid`;
}

/** Whether `import` writes nothing: no valid persona, or `--strict` and something to warn about. */
function refused(checked: CheckedFile, strict: boolean): boolean {
  return checked.personas.length === 0 || (strict && hasWarnings(checked));
}

/** `import --json`: the report on stdout, and nothing else. */
async function importJson(checked: CheckedFile, context: CommandContext): Promise<number> {
  const pool = poolOf(context);
  if (refused(checked, context.options.strict === true)) {
    const reason = checked.personas.length === 0 ? `no valid personas: ${whyNone(checked.list)}` : '--strict turns the warnings into errors';
    printReport(context.out, importReport(checked, { path: pool.location, version: null, reason: `${reason}: nothing was imported` }));
    return 1;
  }
  const { path, version } = await pool.replace(checked.list, { by: cliBy(context.io.env) });
  printReport(context.out, importReport(checked, { path, version }));
  return 0;
}

/** What `import` warns about, on stderr: the invalid entries it skips, the warnings, a single persona. */
function warnBeforeImport(checked: CheckedFile, out: Output, strict: boolean): void {
  if (checked.rejected.length > 0) {
    out.warn(`${invalidEntries(checked)} and will not be imported:`);
    out.note(...describeRejected(checked));
  }
  printWarnings(checked, out);
  warnIfFew(checked, out, strict ? '' : '; importing anyway');
}

/**
 * `import <file>`: validates the file and installs its valid personas as the pool, locked and atomic.
 * With `--strict`, anything it warns about makes it write nothing; with `--json`, stdout gets the report.
 *
 * @param file - The persona file; `-` reads standard input.
 * @param context - Options, io and output.
 * @returns The exit code: 0 when imported, 1 otherwise.
 */
export async function importFile(file: string, context: CommandContext): Promise<number> {
  const { out, options } = context;
  const checked = await checkFile(file, out, context.io);
  if (checked === 1) return 1;
  if (options.json === true) return importJson(checked, context);
  if (checked.personas.length === 0) return (noneValid(checked, out), printWarnings(checked, out), 1);
  const strict = options.strict === true;
  warnBeforeImport(checked, out, strict);
  if (refused(checked, strict)) return out.fail('--strict turns the warnings above into errors: nothing was imported');
  const { personas, path } = await poolOf(context).replace(checked.list, { by: cliBy(context.io.env) });
  out.result(`Imported ${plural(personas.length, 'persona')} to ${path}`);
  return 0;
}

/** `validate`'s report on stderr: what is invalid, the warnings, and what `--strict` makes of them. */
function reportValidation(checked: CheckedFile, out: Output, strict: boolean): void {
  if (checked.personas.length === 0) noneValid(checked, out);
  else if (checked.rejected.length > 0) {
    out.fail(`${invalidEntries(checked)}; import would skip ${checked.rejected.length === 1 ? 'it' : 'them'} and keep ${plural(checked.personas.length, 'persona')}:`);
    out.note(...describeRejected(checked));
  }
  printWarnings(checked, out);
  warnIfFew(checked, out);
  if (strict && (checked.warnings.length > 0 || checked.personas.length === 1)) out.fail('--strict turns the warnings above into errors');
}

/**
 * `validate <file>`: the checks and report of `import`, writing nothing. With `--strict`, a warning
 * fails it too; with `--json`, stdout gets the report.
 *
 * @param file - The persona file; `-` reads standard input.
 * @param context - Options, io and output.
 * @returns The exit code: 0 when every entry is valid (and, with `--strict`, nothing warned about), 1 otherwise.
 */
export async function validateFile(file: string, { out, options, io }: CommandContext): Promise<number> {
  const checked = await checkFile(file, out, io);
  if (checked === 1) return 1;
  const strict = options.strict === true;
  const code = checked.rejected.length > 0 || refused(checked, strict) ? 1 : 0;
  if (options.json === true) printReport(out, validateReport(checked));
  else {
    reportValidation(checked, out, strict);
    if (code === 0) out.result(`${checked.file} is valid: ${plural(checked.personas.length, 'persona')}`);
  }
  return code;
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
  const absent = version !== ABSENT_VERSION ? '' : context.store === undefined ? ' (the file does not exist yet)' : ' (nothing imported yet)';
  out.result(`${poolLabel(context)} ${path}`, `Personas:  ${personas.length}${absent}`);
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
  context.out.result(poolOf(context).location);
  return 0;
}
