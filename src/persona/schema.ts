import * as v from 'valibot';

/** Tones a persona writes in; `custom` requires `tone_custom`. */
export const TONES = ['formal', 'direct', 'casual', 'technical', 'custom'] as const;

/** How quickly a persona answers mail. */
export const REPLY_LATENCIES = ['fast', 'normal', 'slow'] as const;

/** A persona's tone. */
export type Tone = (typeof TONES)[number];

/** A persona's reply latency. */
export type ReplyLatency = (typeof REPLY_LATENCIES)[number];

/**
 * Counts Unicode code points, as Python's `len()` does (an emoji is one, not two).
 *
 * @param text - Any string.
 * @returns The number of code points.
 */
export function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/**
 * The valibot action that bounds a string's length in code points, as Python's `len()` counts.
 * Its `type` lets the JSON Schema build map it to `minLength`/`maxLength`, which count code points too.
 */
export interface CodePointsAction
  extends v.BaseValidation<string, string, v.BaseIssue<string>> {
  /** Identifies the action. */
  readonly type: 'code_points';
  /** The inclusive bounds, in code points. */
  readonly requirement: readonly [min: number, max: number];
  /** The issue's message, in an operator's words. */
  readonly message: string;
}

function codePoints(min: number, max: number, message: string): CodePointsAction {
  return {
    kind: 'validation',
    type: 'code_points',
    reference: codePoints,
    async: false,
    expects: `${min}..${max} code points`,
    requirement: [min, max],
    message,
    '~run'(dataset, config) {
      if (!dataset.typed) return dataset;
      const { length } = dataset.value;
      // A string has between length/2 and length code points: most need no counting.
      if (length <= max && length >= 2 * min) return dataset;
      const count = codePointLength(dataset.value);
      if (count < min || count > max) v._addIssue(this, 'length', dataset, config, { received: `${count}` });
      return dataset;
    },
  };
}

function text(field: string, min: number, max: number) {
  const rule = min > 0 ? `${min}–${max} characters` : `at most ${max} characters`;
  return v.pipe(v.string(`${field} must be text`), codePoints(min, max, `${field} must be ${rule}`));
}

function optionalText(field: string, max: number) {
  return v.optional(
    v.nullable(v.pipe(v.string(`${field} must be text or null`), codePoints(0, max, `${field} must be at most ${max} characters`))),
    null,
  );
}

/** Splits at the last `@`, as the original does: non-empty local part, a domain with a dot. */
function looksLikeEmail(email: string): boolean {
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 && email.includes('.', at + 1);
}

/** Builds a case-insensitive regex without flags, so the JSON Schema `pattern` means the same. */
function caseless(words: readonly string[]): RegExp {
  const letter = (c: string) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`);
  return new RegExp(`^(?:${words.map((word) => [...word].map(letter).join('')).join('|')})$`);
}

const TRUE_WORDS = ['true', 'yes', 'on', 't', 'y', '1'] as const;
const FALSE_WORDS = ['false', 'no', 'off', 'f', 'n', '0'] as const;
const BOOL_MESSAGE = 'uses_llms_heavily must be true or false (also accepted: 0/1, yes/no, on/off, t/f, y/n)';

/** Pydantic's lax boolean: booleans, 0/1, and the usual words in any case. */
const laxBoolean = v.pipe(
  v.union(
    [
      v.boolean(),
      v.picklist([0, 1]),
      v.pipe(v.string(), v.regex(caseless([...TRUE_WORDS, ...FALSE_WORDS]), BOOL_MESSAGE)),
    ],
    BOOL_MESSAGE,
  ),
  v.transform((value): boolean =>
    typeof value === 'string' ? (TRUE_WORDS as readonly string[]).includes(value.toLowerCase()) : value === true || value === 1,
  ),
);

/** The message of a tone that is none of {@link TONES}; a tone in the wrong case says that tones are lower-case. */
function toneMessage({ input }: { readonly input: unknown }): string {
  const known = `tone must be one of ${TONES.join(', ')}`;
  if (typeof input !== 'string' || !(TONES as readonly string[]).includes(input.toLowerCase())) return known;
  return `${known}: tones are lower-case ("${input.toLowerCase()}", not ${JSON.stringify(input)})`;
}

const CUSTOM_TONE_MESSAGE = 'tone_custom is required (and must not be blank) when tone is "custom"';

/**
 * Python's whitespace (`str.isspace()`), as a regex class body, so blank means what `not s.strip()`
 * means in the original, not JavaScript's `trim()` (which also strips U+FEFF but not U+001C–U+001F
 * or U+0085). The JSON Schema build uses it too.
 */
export const PYTHON_WHITESPACE = String.raw`\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
const PYTHON_BLANK = new RegExp(`^[${PYTHON_WHITESPACE}]*$`);

/**
 * The valibot schema of one persona, field for field the Python original's pydantic model.
 * Unknown keys are dropped; `language` may be null here and is resolved by `parsePersonas`.
 *
 * @example
 * ```ts
 * import * as v from 'valibot';
 * const result = v.safeParse(EmailPersonaSchema, { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' });
 * ```
 */
export const EmailPersonaSchema = v.pipe(
  v.object(
    {
      /** The display name, 1–128 characters. */
      name: text('name', 1, 128),
      /** The mailbox, `user@domain.tld`, 3–255 characters. */
      email: v.pipe(
        v.string('email must be text'),
        codePoints(3, 255, 'email must be 3–255 characters'),
        v.check(looksLikeEmail, 'email must look like user@domain.tld'),
      ),
      /** The job title, 1–128 characters. */
      role: text('role', 1, 128),
      /** How the persona writes; default `formal`. */
      tone: v.optional(v.picklist(TONES, toneMessage), 'formal'),
      /** The tone in words, at most 128 characters; required, and not blank, when `tone` is `custom`. */
      tone_custom: optionalText('tone_custom', 128),
      /** Writing habits, at most 12; default none. */
      mannerisms: v.optional(
        v.pipe(
          v.array(v.string('each mannerism must be text'), 'mannerisms must be a list of text'),
          v.maxLength(12, 'mannerisms must have at most 12 items'),
        ),
        () => [],
      ),
      /** A language tag (`en`, `es`), at most 8 characters; null or absent means the parser's `languageDefault`. */
      language: optionalText('language', 8),
      /** The mail signature, at most 512 characters, or null. */
      signature: optionalText('signature', 512),
      /** The work window `HH:MM-HH:MM`, at most 32 characters; default `09:00-18:00` (see {@link inWorkHours}). */
      active_hours: v.optional(text('active_hours', 0, 32), '09:00-18:00'),
      /** How quickly the persona answers; default `normal`. */
      reply_latency: v.optional(
        v.picklist(REPLY_LATENCIES, `reply_latency must be one of ${REPLY_LATENCIES.join(', ')}`),
        'normal',
      ),
      /** Whether the persona's mail reads as machine-written; lax booleans (`yes`, `0`, ...) accepted; default false. */
      uses_llms_heavily: v.optional(laxBoolean, false),
    },
    'a persona must be a JSON object',
  ),
  v.forward(
    v.partialCheck(
      [['tone'], ['tone_custom']],
      (input) => input.tone !== 'custom' || (typeof input.tone_custom === 'string' && !PYTHON_BLANK.test(input.tone_custom)),
      CUSTOM_TONE_MESSAGE,
    ),
    ['tone_custom'],
  ),
);

/** What a persona entry may look like in a file (before defaults). */
export type EmailPersonaInput = v.InferInput<typeof EmailPersonaSchema>;

/**
 * A valid persona, with every default applied and `language` resolved.
 */
export type EmailPersona = Omit<v.InferOutput<typeof EmailPersonaSchema>, 'language'> & {
  /** A language tag, never null: the persona's own, or the parser's `languageDefault`. */
  readonly language: string;
};

/** The eleven fields in schema order: the order they are written to the file. */
export const PERSONA_FIELDS = Object.keys(EmailPersonaSchema.entries) as readonly (keyof EmailPersona)[];
