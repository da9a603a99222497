import { logger } from '../log.js';
import * as v from 'valibot';
import type { PersonaIssue, RejectedPersona } from '../errors.js';
import { REJECT } from './fast-accept.js';
import { fastAccept } from './fast-self-check.js';
import { locateJsonError } from './json-error.js';
import type { OptionsInput } from '../options.js';
import { EmailPersonaSchema, type EmailPersona } from './schema.js';
import { personaWarnings, type PersonaWarning } from './warnings.js';

const log = logger('persona-pool:parse');

/** Options of {@link parsePersonas} and {@link inspectPersonas}; they take any of them, `undefined` meaning the default. */
export interface ParseOptions {
  /** The language given to personas whose `language` is null or absent. Default `en`. */
  readonly languageDefault: string;
}

/** Options of {@link inspectPersonas}. */
export interface InspectOptions extends ParseOptions {
  /**
   * Whether to look for `warnings`; default `true`. With `false` the pass is skipped and `warnings`
   * is empty: the pool's reads do so, since they report no warnings.
   */
  readonly warnings: boolean;
}

/** What the parsers accept: JSON text (a leading BOM is fine), a list already parsed, or nothing. */
export type PersonaSource = string | readonly unknown[] | null | undefined;

/** Why a whole source yields no personas. */
export interface SourceProblem {
  /** `INVALID_JSON` for text that does not parse, `NOT_A_LIST` for any JSON value but a list. */
  readonly code: 'INVALID_JSON' | 'NOT_A_LIST';
  /** What is wrong, for an operator; for invalid JSON, the reason and where. */
  readonly message: string;
  /** 1-based line of the JSON fault. */
  readonly line?: number;
  /** 1-based column of the JSON fault. */
  readonly column?: number;
}

/** The full report of {@link inspectPersonas}. */
export interface Inspection {
  /** The valid personas, in input order, `language` resolved. */
  readonly personas: EmailPersona[];
  /** The invalid entries, in input order, with every reason. */
  readonly rejected: RejectedPersona[];
  /** What was accepted but is probably a mistake (unknown fields, duplicate emails, bad `active_hours`), by entry index. */
  readonly warnings: readonly PersonaWarning[];
  /** Why the source as a whole is unusable, or null. */
  readonly problem: SourceProblem | null;
}

const DEFAULTS = { languageDefault: 'en', warnings: true } as const satisfies InspectOptions;
const NO_WARNINGS: readonly PersonaWarning[] = Object.freeze([]);

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function notAList(value: unknown): { problem: SourceProblem } {
  return { problem: { code: 'NOT_A_LIST', message: `expected a JSON list of personas, found ${describeType(value)}` } };
}

/**
 * Whether a `debug` logger writes anything: its `enabled` is `undefined`, not `false`, in a process
 * started without `DEBUG`.
 *
 * @param logger - A `debug` logger (typed by the one field read, so no declaration file names `debug`).
 * @returns `true` when its namespace is enabled.
 */
export function isLogging(logger: { readonly enabled: boolean | undefined }): boolean {
  return logger.enabled === true;
}

/**
 * The entries of a persona source, parsed once: a leading BOM dropped, nothing an empty list.
 *
 * @param raw - JSON text, a parsed list, or null/undefined/''.
 * @returns The list, or why the source is not one.
 */
export function toList(raw: unknown): { list: readonly unknown[] } | { problem: SourceProblem } {
  if (raw === null || raw === undefined) return { list: [] };
  if (Array.isArray(raw)) return { list: raw };
  if (typeof raw !== 'string') return notAList(raw);
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text === '') return { list: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { reason, line, column } = locateJsonError(text, error);
    return { problem: { code: 'INVALID_JSON', message: `${reason} (line ${line}, column ${column})`, line, column } };
  }
  return Array.isArray(value) ? { list: value } : notAList(value);
}

function pathOf(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => String(item.key)).join('.');
}

function toIssue(issue: v.BaseIssue<unknown>): PersonaIssue {
  const path = pathOf(issue);
  const missing = issue.path?.at(-1)?.origin === 'key';
  return { path, message: missing ? `${path} is required` : issue.message };
}

function validate(entry: unknown, languageDefault: string): EmailPersona | PersonaIssue[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return [{ path: '', message: `a persona must be a JSON object, found ${Array.isArray(entry) ? 'a list' : describeType(entry)}` }];
  }
  let accepted: unknown;
  try {
    accepted = fastAccept(entry);
  } catch {
    // A getter or proxy that throws: valibot reads the entry again, and throws its own error.
    accepted = REJECT;
  }
  let persona: v.InferOutput<typeof EmailPersonaSchema>;
  if (accepted === REJECT) {
    const result = v.safeParse(EmailPersonaSchema, entry);
    if (!result.success) return result.issues.map(toIssue);
    persona = result.output;
  } else persona = accepted as typeof persona;
  persona.language ??= languageDefault;
  return persona as EmailPersona;
}

/**
 * Parses a persona source and reports everything: the valid personas, each rejected entry with its
 * reasons, the warnings (accepted, but probably a mistake: see docs/file-format.md), and why the
 * source as a whole is unusable. It never throws; warnings never change what is accepted.
 *
 * @param raw - JSON text, a parsed list, or null/undefined/''.
 * @param options - `languageDefault` (default `en`) for personas without a language; `warnings: false` to skip the warnings.
 * @returns `{ personas, rejected, warnings, problem }`.
 *
 * @example
 * ```ts
 * const { personas, rejected, warnings, problem } = inspectPersonas(fs.readFileSync('personas.json', 'utf8'));
 * for (const { index, issues } of rejected) console.warn(index, issues);
 * for (const { index, message } of warnings) console.warn(index, message); // 3 'unknown field "activ_hours" is ignored; did you mean "active_hours"?'
 * ```
 */
export function inspectPersonas(raw: PersonaSource, options: OptionsInput<InspectOptions> = {}): Inspection {
  // `??`, not a spread: an explicit `languageDefault: undefined` from JavaScript still means the default.
  const languageDefault = options?.languageDefault ?? DEFAULTS.languageDefault;
  const source = toList(raw);
  if ('problem' in source) return { personas: [], rejected: [], warnings: NO_WARNINGS, problem: source.problem };
  const personas: EmailPersona[] = [];
  const rejected: RejectedPersona[] = [];
  source.list.forEach((entry, index) => {
    let outcome: EmailPersona | PersonaIssue[];
    try {
      outcome = validate(entry, languageDefault);
    } catch (error) {
      outcome = [{ path: '', message: `the entry could not be read: ${String(error)}` }];
    }
    if (Array.isArray(outcome)) rejected.push({ index, issues: outcome });
    else personas.push(outcome);
  });
  const warnings = (options?.warnings ?? DEFAULTS.warnings) ? personaWarnings(source.list, personas, rejected) : NO_WARNINGS;
  return { personas, rejected, warnings, problem: null };
}

/**
 * Parses a persona source into the valid personas, in input order, with `language` resolved.
 * It never throws: invalid JSON or a non-list gives `[]`, and each invalid entry is dropped and
 * logged through `debug` (namespace `persona-pool:parse`) with its index and reasons; so are the
 * warnings, looked for only while that namespace is enabled.
 *
 * @param raw - JSON text (a leading UTF-8 BOM is tolerated), a parsed list, or null/undefined/''.
 * @param options - `languageDefault` (default `en`) for personas without a language.
 * @returns The valid personas.
 *
 * @example
 * ```ts
 * const personas = parsePersonas('[{"name":"Ann Lee","email":"ann@corp.example","role":"CFO"}]');
 * personas[0]?.tone; // 'formal'
 * ```
 */
export function parsePersonas(raw: PersonaSource, options: OptionsInput<ParseOptions> = {}): EmailPersona[] {
  const { personas, rejected, warnings, problem } = inspectPersonas(raw, { ...options, warnings: isLogging(log) });
  if (problem) log('no personas: %s: %s', problem.code, problem.message);
  for (const { index, issues } of rejected) {
    log('dropped persona #%d: %s', index, issues.map((issue) => issue.message).join('; '));
  }
  for (const { index, code, message } of warnings) log('warning for persona #%d: %s: %s', index, code, message);
  return personas;
}
