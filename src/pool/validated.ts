import type { RejectedPersona } from '../errors.js';
import type { EmailPersona } from '../persona/schema.js';
import type { PersonaWarning } from '../persona/warnings.js';

// A list validated once to report on it (the CLI's import) is not validated again by the
// PersonaPool.replace that writes it: the first validation is remembered with the list, for one use.

/** What validating a list gave. */
export interface Validated {
  /** The valid personas, `language` resolved. */
  readonly personas: EmailPersona[];
  /** The invalid entries, with their reasons. */
  readonly rejected: RejectedPersona[];
  /** What looks like a mistake in the entries (see `inspectPersonas`). */
  readonly warnings: readonly PersonaWarning[];
}

const remembered = new WeakMap<readonly unknown[], Validated & { readonly languageDefault: string }>();

/**
 * Remembers the validation of `list`, for the next {@link recallValidation} of the same list. The
 * caller must not change the list meanwhile.
 *
 * @param list - The entries validated.
 * @param languageDefault - The language default they were validated with.
 * @param validated - What validating them gave.
 */
export function rememberValidation(list: readonly unknown[], languageDefault: string, validated: Validated): void {
  remembered.set(list, { ...validated, languageDefault });
}

/**
 * The remembered validation of `list` with this language default, once; it is then forgotten.
 *
 * @param list - The entries to validate.
 * @param languageDefault - The language default to validate them with.
 * @returns What validating them gave, or undefined when they must be validated.
 */
export function recallValidation(list: readonly unknown[], languageDefault: string): Validated | undefined {
  const entry = remembered.get(list);
  remembered.delete(list);
  return entry?.languageDefault === languageDefault ? entry : undefined;
}
