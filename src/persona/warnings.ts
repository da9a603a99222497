import type { RejectedPersona } from '../errors.js';
import { parseWorkWindow } from './hours.js';
import { nearestName } from './nearest.js';
import { PERSONA_FIELDS, type EmailPersona } from './schema.js';

// Warnings: what is accepted as the Python original accepts it, but is probably a mistake. They
// never change what is accepted or rejected.

/**
 * What a warning is about:
 * - `UNKNOWN_FIELD`: a key the schema does not know (a typo, often); it is ignored, and gone after a write.
 * - `DUPLICATE_EMAIL`: a valid persona with the email of an earlier valid one, case aside.
 * - `BAD_ACTIVE_HOURS`: a valid persona whose `active_hours` is not a window `HH:MM-HH:MM`; it counts as always active.
 */
export type PersonaWarningCode = 'UNKNOWN_FIELD' | 'DUPLICATE_EMAIL' | 'BAD_ACTIVE_HOURS';

/** Every {@link PersonaWarningCode}, for the OpenAPI document. */
export const PERSONA_WARNING_CODES = ['UNKNOWN_FIELD', 'DUPLICATE_EMAIL', 'BAD_ACTIVE_HOURS'] as const satisfies readonly PersonaWarningCode[];

/** Something accepted that is probably a mistake; see docs/file-format.md, "Warnings". */
export interface PersonaWarning {
  /** Zero-based index of the entry in the input list. */
  readonly index: number;
  /** The field concerned (`active_hours`, `email`, the unknown key); empty for the entry itself. */
  readonly path: string;
  /** What kind of warning it is. */
  readonly code: PersonaWarningCode;
  /** What is wrong and what it means, for an operator. */
  readonly message: string;
}

const KNOWN = new Set<string>(PERSONA_FIELDS);
/** The longest key quoted whole in a message. */
const QUOTED_LENGTH = 60;

/** A key, quoted as JSON (control characters escaped), cut when long. */
function quoted(key: string): string {
  const chars = [...key];
  return JSON.stringify(chars.length > QUOTED_LENGTH ? `${chars.slice(0, QUOTED_LENGTH - 1).join('')}…` : key);
}

function unknownFields(entry: unknown, index: number, warnings: PersonaWarning[]): void {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
  let keys: string[];
  try {
    keys = Object.keys(entry);
  } catch {
    return; // A proxy that will not list its keys: nothing to say about them.
  }
  for (const key of keys) {
    if (KNOWN.has(key)) continue;
    const near = nearestName(key, PERSONA_FIELDS);
    const hint = near === undefined ? '' : `; did you mean "${near}"?`;
    warnings.push({ index, path: key, code: 'UNKNOWN_FIELD', message: `unknown field ${quoted(key)} is ignored${hint}` });
  }
}

/** What the pass over one list remembers. */
interface Seen {
  /** The index of the first valid entry with each email, in lower case. */
  readonly emails: Map<string, number>;
  /** Whether each `active_hours` met so far is a window: a list holds few distinct ones. */
  readonly windows: Map<string, boolean>;
}

function duplicateEmail({ email }: EmailPersona, index: number, { emails }: Seen, warnings: PersonaWarning[]): void {
  const folded = email.toLowerCase();
  const earlier = emails.get(folded);
  if (earlier === undefined) {
    emails.set(folded, index);
    return;
  }
  const message = `email ${JSON.stringify(email)} is already the email of entry #${earlier} (compared without case): both personas would share one mailbox`;
  warnings.push({ index, path: 'email', code: 'DUPLICATE_EMAIL', message });
}

function badActiveHours({ active_hours: window }: EmailPersona, index: number, { windows }: Seen, warnings: PersonaWarning[]): void {
  let readable = windows.get(window);
  if (readable === undefined) windows.set(window, (readable = parseWorkWindow(window) !== null));
  if (readable) return;
  const message = `active_hours ${JSON.stringify(window)} is not a window HH:MM-HH:MM (hours 0–23, minutes 00–59, such as "09:00-18:00"): the persona will count as always active`;
  warnings.push({ index, path: 'active_hours', code: 'BAD_ACTIVE_HOURS', message });
}

/**
 * The warnings of a validated list: `UNKNOWN_FIELD` for every object entry, valid or not (a
 * misspelt required field is often why an entry is rejected); `DUPLICATE_EMAIL` and
 * `BAD_ACTIVE_HOURS` for valid entries only, since only they are kept. In input order.
 *
 * @param list - The entries, as given.
 * @param personas - The valid ones, validated, in input order (as `inspectPersonas` returns them).
 * @param rejected - The invalid ones, in input order (as `inspectPersonas` returns them).
 * @returns The warnings, by entry index.
 */
export function personaWarnings(list: readonly unknown[], personas: readonly EmailPersona[], rejected: readonly RejectedPersona[]): PersonaWarning[] {
  const warnings: PersonaWarning[] = [];
  const seen: Seen = { emails: new Map(), windows: new Map() };
  let nextRejected = 0;
  let nextPersona = 0;
  for (let index = 0; index < list.length; index++) {
    unknownFields(list[index], index, warnings);
    if (rejected[nextRejected]?.index === index) {
      nextRejected++;
      continue;
    }
    const persona = personas[nextPersona++] as EmailPersona;
    duplicateEmail(persona, index, seen, warnings);
    badActiveHours(persona, index, seen, warnings);
  }
  return warnings;
}
