import { cliBy } from './by.js';
import { describeRejected, plural } from './input.js';
import { poolLabel, poolOf, type CommandContext } from './commands.js';
import { isPersonaPoolError, PersonaPoolError } from '../errors.js';
import type { HistoryEntry } from '../stores/types.js';

const HEADINGS = ['VERSION', 'SAVED AT', 'PERSONAS', 'REPLACED BY'] as const;

/** The versions as a plain-text table under a heading line, columns two spaces apart. */
function historyTable(versions: readonly HistoryEntry[]): string[] {
  const rows = [[...HEADINGS], ...versions.map(({ version, savedAt, count, by }) => [version, savedAt, String(count), by ?? '-'])];
  const widths = HEADINGS.map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd());
}

/**
 * `history`: the versions the pool's history keeps, newest first, with who replaced each (`by`), as a
 * table; or, with `--json`, `{ path, versions }`.
 *
 * @param context - Options, io and output.
 * @returns The exit code: 0.
 */
export async function showHistory(context: CommandContext): Promise<number> {
  const { out, options } = context;
  const pool = poolOf(context);
  const path = pool.location;
  const versions = await pool.history();
  if (options.json === true) {
    out.result(JSON.stringify({ path, versions }, null, 2));
    return 0;
  }
  const none = versions.length === 0 ? ' (each import keeps the version it replaces)' : '';
  out.result(`${poolLabel(context)} ${path}`, `Versions kept: ${versions.length}${none}`);
  if (versions.length > 0) out.result('', ...historyTable(versions));
  return 0;
}

/** The store's message names the API (`pool.history()`): a shell user is told the command instead. */
function forShell(error: PersonaPoolError): PersonaPoolError {
  const why = error.message.replace(/[.:]\s*list (?:the versions kept|them) with .*$/is, '');
  return new PersonaPoolError('UNKNOWN_VERSION', `${why}. List the versions kept with "persona-pool history" (with the same --pool or --store options)`, { cause: error, status: error.status });
}

/**
 * `restore <version>`: replaces the pool with a version its history keeps, locked and atomic; the
 * version it replaces is kept in turn.
 *
 * @param version - A version `history` lists.
 * @param context - Options, io and output.
 * @returns The exit code: 0 when restored (errors are thrown, and exit 1).
 */
export async function restoreVersion(version: string, context: CommandContext): Promise<number> {
  const { out } = context;
  const { path, personas, rejected } = await poolOf(context).restore(version, { by: cliBy(context.io.env) }).catch((error: unknown) => {
    throw isPersonaPoolError(error) && error.code === 'UNKNOWN_VERSION' ? forShell(error) : error;
  });
  if (rejected.length > 0) {
    out.warn(`${plural(rejected.length, 'entry')} of version ${version} ${rejected.length === 1 ? 'is' : 'are'} invalid and ${rejected.length === 1 ? 'was' : 'were'} left out:`);
    out.note(...describeRejected({ list: [], rejected }));
  }
  out.result(`Restored version ${version} to ${path}: ${plural(personas.length, 'persona')}`);
  return 0;
}
