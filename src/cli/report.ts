import { nameOf, plural, type CheckedFile } from './input.js';
import { printable, type Output } from './io.js';
import type { EmailPersona } from '../persona/schema.js';

// What `validate` and `import` say about a file beyond its invalid entries: its warnings, what
// `--strict` makes of them, and the `--json` report.

/** The `--json` report of `validate`. */
export interface ValidateReport {
  /** The file, as given on the command line. */
  readonly file: string;
  /** The valid personas, as import would write them. */
  readonly personas: readonly EmailPersona[];
  /** The invalid entries, `{ index, issues }`. */
  readonly rejected: CheckedFile['rejected'];
  /** The warnings, `{ index, path, code, message }`. */
  readonly warnings: CheckedFile['warnings'];
}

/** The `--json` report of `import`: the report of `validate`, and the pool written. */
export interface ImportReport extends ValidateReport {
  /** The pool file: written, or that would have been. */
  readonly path: string;
  /** The pool's new version, or null when nothing was written. */
  readonly version: string | null;
  /** Why nothing was written; only then. */
  readonly reason?: string;
}

/**
 * Whether `import` would print a warning about the file: invalid entries it skips, warnings about
 * entries, or a single valid persona. `--strict` turns any of them into exit code 1.
 *
 * @param checked - The checked file.
 * @returns `true` when there is something to warn about.
 */
export function hasWarnings({ personas, rejected, warnings }: CheckedFile): boolean {
  return rejected.length > 0 || warnings.length > 0 || personas.length === 1;
}

/**
 * One line per warning: the entry's index (from 0), its name if it has one, the field, and the message.
 *
 * @param checked - The file's entries and their warnings.
 * @returns Lines such as `  #3 "Ann Lee" activ_hours: unknown field "activ_hours" is ignored; did you mean "active_hours"?`.
 */
export function describeWarnings({ list, warnings }: Pick<CheckedFile, 'list' | 'warnings'>): string[] {
  return warnings.map(({ index, path, message }) => {
    const field = path === '' ? '' : ` ${printable(path)}`;
    return `  #${index}${nameOf(list[index])}${field}: ${printable(message)}`;
  });
}

/**
 * Prints the file's warnings on stderr, under a `Warning:` heading; nothing when there are none.
 *
 * @param checked - The checked file.
 * @param out - Where to print.
 */
export function printWarnings(checked: CheckedFile, out: Output): void {
  if (checked.warnings.length === 0) return;
  out.warn(`${plural(checked.warnings.length, 'warning')} in ${checked.file}:`);
  out.note(...describeWarnings(checked));
}

/**
 * The `--json` report of `validate`: the file, its valid personas, its invalid entries and its warnings.
 *
 * @param checked - The checked file.
 * @returns The report.
 */
export function validateReport({ file, personas, rejected, warnings }: CheckedFile): ValidateReport {
  return { file, personas, rejected, warnings };
}

/**
 * The `--json` report of `import`, keys in this order: `file`, `path`, `version`, `reason` (when nothing was
 * written), `personas`, `rejected`, `warnings`.
 *
 * @param checked - The checked file.
 * @param written - The pool file, and its new version, or null and why nothing was written.
 * @returns The report.
 */
export function importReport(checked: CheckedFile, { path, version, reason }: Pick<ImportReport, 'path' | 'version' | 'reason'>): ImportReport {
  const { file, personas, rejected, warnings } = validateReport(checked);
  return { file, path, version, ...(reason === undefined ? {} : { reason }), personas, rejected, warnings };
}

/**
 * Prints a `--json` report on stdout, indented as `show --json` is.
 *
 * @param out - Where to print.
 * @param report - The report.
 */
export function printReport(out: Output, report: ValidateReport): void {
  out.result(JSON.stringify(report, null, 2));
}
