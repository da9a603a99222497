import { readBounded, readStreamBounded } from '../stores/file/bounded-read.js';
import type { RejectedPersona } from '../errors.js';
import { printable, type CliIo, type Output } from './io.js';
import { inspectPersonas, toList } from '../persona/parse.js';
import type { EmailPersona } from '../persona/schema.js';
import { POOL_DEFAULTS } from '../pool/pool-options.js';
import type { PersonaWarning } from '../persona/warnings.js';

/** The most entries a pool takes: `PersonaPool`'s default `maxPersonas`, which the command line keeps. */
const MAX_PERSONAS = POOL_DEFAULTS.maxPersonas;
/** The language of personas without one: `PersonaPool`'s default, which the command line keeps. */
const LANGUAGE_DEFAULT = POOL_DEFAULTS.languageDefault;
/** The largest input file read: `PersonaPool`'s default `maxBytes`, as for the pool file itself. */
const MAX_BYTES = POOL_DEFAULTS.maxBytes;
/** The file name that means standard input, and how messages name it. */
const STDIN = { operand: '-', name: 'standard input' } as const;

/** A persona file read as a list and validated; it may hold no valid persona. */
export interface CheckedFile {
  /** The file as given on the command line, or `standard input` for `-`. */
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

/** The input's text, or why it cannot be had; at most {@link MAX_BYTES}, never blocking on a special file. */
async function readText(file: string, io: CliIo): Promise<string | { readonly reason: string }> {
  const tooLarge = { reason: `it is larger than ${MAX_BYTES} bytes, the limit of a pool file: split or trim it` };
  if (file === STDIN.operand) {
    if (io.stdin === undefined) return { reason: 'standard input is not available here' };
    return (await readStreamBounded(io.stdin(), MAX_BYTES))?.toString('utf8') ?? tooLarge;
  }
  const read = await readBounded(file, MAX_BYTES);
  switch (read.kind) {
    case 'read':
      return read.bytes.toString('utf8');
    case 'missing':
      return { reason: READ_REASONS.ENOENT as string };
    case 'failed':
      return { reason: READ_REASONS[read.error.code ?? ''] ?? read.error.message };
    case 'too-large':
      return tooLarge;
    case 'not-a-file':
      if (read.what === 'a folder') return { reason: 'it is a folder, not a file' };
      return { reason: `it is ${read.what}, not a regular file: pass a regular file, or - to read standard input` };
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
 * Why a list holds no valid persona, in words.
 *
 * @param list - The list, which holds no valid persona.
 * @returns `the list is empty`, `its only entry is invalid` or `all N entries are invalid`.
 */
export function whyNone(list: readonly unknown[]): string {
  if (list.length === 0) return 'the list is empty';
  return `${list.length === 1 ? 'its only entry is' : `all ${list.length} entries are`} invalid`;
}

/**
 * Reports a file without a valid persona: that, and the listing of its entries.
 *
 * @param checked - The checked file, with no valid persona.
 * @param out - Where to report.
 * @returns Exit code 1.
 */
export function noneValid({ file, list, rejected }: CheckedFile, out: Output): 1 {
  out.fail(`No valid personas in ${file}: ${whyNone(list)}${list.length === 0 ? '' : ':'}`);
  if (list.length === 0) return 1;
  out.note(...describeRejected({ list, rejected }));
  return 1;
}

/**
 * Reads and validates a persona file as `PersonaPool.replace` would, and reports why it cannot be
 * read as a list of at most 10,000 entries. A list without a valid persona is returned: see {@link noneValid}.
 *
 * @param operand - The file, as given on the command line; `-` is standard input.
 * @param out - Where failures are reported.
 * @param io - Standard input, for `-`.
 * @returns The checked file, or exit code 1 once the reason is reported.
 */
export async function checkFile(operand: string, out: Output, io: CliIo): Promise<CheckedFile | 1> {
  const file = operand === STDIN.operand ? STDIN.name : operand;
  const text = await readText(operand, io);
  if (typeof text !== 'string') return out.fail(`Cannot read ${file}: ${text.reason}`);
  if (text === '' || text === '\ufeff') return out.fail(`${file} is empty: it must contain a JSON list of personas`);
  const source = toList(text);
  if ('problem' in source) {
    const { problem } = source;
    return out.fail(problem.code === 'INVALID_JSON' ? `Invalid JSON in ${file}: ${problem.message}` : `${file} must contain a JSON list of personas`);
  }
  const { list } = source;
  if (list.length > MAX_PERSONAS) {
    return out.fail(`Too many personas in ${file}: ${list.length}, the limit is ${MAX_PERSONAS}: split or trim the list`);
  }
  const { personas, rejected, warnings } = inspectPersonas(list, { languageDefault: LANGUAGE_DEFAULT });
  return { file, list, personas, rejected, warnings };
}
