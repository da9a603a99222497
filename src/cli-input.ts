import fs from 'node:fs';
import type { RejectedPersona } from './errors.js';
import { printable, type Output } from './cli-io.js';
import { inspectPersonas, toList } from './parse.js';
import type { EmailPersona } from './schema.js';
import { POOL_DEFAULTS } from './pool-options.js';
import type { PersonaWarning } from './warnings.js';

/** The most entries a pool takes: `PersonaPool`'s default `maxPersonas`, which the command line keeps. */
const MAX_PERSONAS = POOL_DEFAULTS.maxPersonas;

/** A persona file read as a list and validated; it may hold no valid persona. */
export interface CheckedFile {
  /** The file as given on the command line. */
  readonly file: string;
  /** Every entry, as parsed. */
  readonly list: readonly unknown[];
  /** The valid personas. */
  readonly personas: readonly EmailPersona[];
  /** The invalid entries, with their reasons. */
  readonly rejected: readonly RejectedPersona[];
  /** What was accepted but is probably a mistake. */
  readonly warnings: readonly PersonaWarning[];
}

const READ_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder, not a file',
};

/**
 * Counts a thing in words: `1 persona`, `2 personas`.
 *
 * @param count - How many.
 * @param noun - The singular noun; the plural adds `s` (`entry` becomes `entries`).
 * @returns The phrase.
 */
export function plural(count: number, noun: string): string {
  if (count === 1) return `1 ${noun}`;
  return `${count} ${noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`}`;
}

function readText(file: string): string | NodeJS.ErrnoException {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

/**
 * How a listing names an entry: ` "<name>"` (cut at 60 characters, made printable) when it has a
 * name, else nothing.
 *
 * @param entry - The entry, as parsed.
 * @returns The name with a leading space, or ''.
 */
export function nameOf(entry: unknown): string {
  const name: unknown = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || name.trim() === '') return '';
  const chars = [...name];
  return ` ${printable(JSON.stringify(chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : name))}`;
}

/**
 * One line per invalid entry: its index (from 0), its name if it has one, and every reason.
 *
 * @param checked - The file's entries and the rejected ones.
 * @returns Lines such as `  #3 "Ann Lee": email must look like user@domain.tld`.
 */
export function describeRejected(checked: Pick<CheckedFile, 'list' | 'rejected'>): string[] {
  return checked.rejected.map(({ index, issues }) => {
    const reasons = issues.map((issue) => printable(issue.message)).join('; ');
    return `  #${index}${nameOf(checked.list[index])}: ${reasons}`;
  });
}

/**
 * Warns when a single persona is valid: the worker needs two, one to send and one to receive.
 *
 * @param checked - The checked file.
 * @param out - Where to warn.
 * @param suffix - Appended to the warning, such as `; importing anyway`.
 */
export function warnIfFew(checked: CheckedFile, out: Output, suffix = ''): void {
  if (checked.personas.length === 1) {
    out.warn(`only 1 valid persona — the worker needs at least 2 to send mail${suffix}`);
  }
}

/**
 * Reports a file without a valid persona: that, and the listing of its entries.
 *
 * @param checked - The checked file, with no valid persona.
 * @param out - Where to report.
 * @returns Exit code 1.
 */
export function noneValid({ file, list, rejected }: CheckedFile, out: Output): 1 {
  if (list.length === 0) return out.fail(`No valid personas in ${file}: the list is empty`);
  out.fail(`No valid personas in ${file}: ${list.length === 1 ? 'its only entry is' : `all ${list.length} entries are`} invalid:`);
  out.note(...describeRejected({ list, rejected }));
  return 1;
}

/**
 * Reads and validates a persona file as `PersonaPool.replace` would, and reports why it cannot be
 * read as a list of at most 10,000 entries. A list without a valid persona is returned: see {@link noneValid}.
 *
 * @param file - The file, as given on the command line.
 * @param out - Where failures are reported.
 * @returns The checked file, or exit code 1 once the reason is reported.
 */
export function checkFile(file: string, out: Output): CheckedFile | 1 {
  const text = readText(file);
  if (typeof text !== 'string') return out.fail(`Cannot read ${file}: ${READ_REASONS[String(text.code)] ?? text.message}`);
  const source = toList(text);
  if ('problem' in source) {
    const { problem } = source;
    return out.fail(problem.code === 'INVALID_JSON' ? `Invalid JSON in ${file}: ${problem.message}` : `${file} must contain a JSON list of personas`);
  }
  const { list } = source;
  if (list.length > MAX_PERSONAS) {
    return out.fail(`Too many personas in ${file}: ${list.length}, the limit is ${MAX_PERSONAS}: split or trim the list`);
  }
  const { personas, rejected, warnings } = inspectPersonas(list);
  return { file, list, personas, rejected, warnings };
}
