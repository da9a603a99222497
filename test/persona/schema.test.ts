import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { EmailPersonaSchema, inspectPersonas, REPLY_LATENCIES, TONES } from '../../src/index.js';
import { codePointLength, PERSONA_FIELDS } from '../../src/persona/schema.js';

/** The three required fields; every case below patches them. */
const BASE = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' } as const;
/** A character outside the BMP: one code point, two UTF-16 units, as Python's `len()` counts it. */
const EMOJI = '😀';

const ascii = (count: number) => 'a'.repeat(count);
const emoji = (count: number) => EMOJI.repeat(count);

/** Validates one entry the way a file is read: its issues, and the persona when it is valid. */
function check(patch: Readonly<Record<string, unknown>>, languageDefault?: string) {
  const { personas, rejected } = inspectPersonas([{ ...BASE, ...patch }], languageDefault === undefined ? {} : { languageDefault });
  return { persona: personas[0], issues: rejected[0]?.issues ?? [] };
}

interface Case {
  readonly title: string;
  readonly patch: Readonly<Record<string, unknown>>;
  /** The field the entry is rejected for; absent for a valid entry. */
  readonly invalid?: string;
  /** For a valid entry, the fields of the output to check. */
  readonly output?: Readonly<Record<string, unknown>>;
}

/** Length boundaries of a text field, counted in code points, with ASCII and with emoji. */
function lengthCases(field: string, min: number, max: number, extra: Readonly<Record<string, unknown>> = {}): Case[] {
  const ok = (title: string, value: string): Case => ({ title: `${field}: ${title}`, patch: { ...extra, [field]: value }, output: { [field]: value } });
  const bad = (title: string, value: string): Case => ({ title: `${field}: ${title}`, patch: { ...extra, [field]: value }, invalid: field });
  const cases = [
    ok(`${max} ASCII characters`, ascii(max)),
    bad(`${max + 1} ASCII characters`, ascii(max + 1)),
    ok(`${max} emoji (${2 * max} UTF-16 units)`, emoji(max)),
    bad(`${max + 1} emoji`, emoji(max + 1)),
  ];
  return min === 0 ? [...cases, ok('empty', '')] : [...cases, ok(`${min} character`, ascii(min)), bad('empty', '')];
}

const CUSTOM = { tone: 'custom' } as const;

const CASES: readonly Case[] = [
  ...lengthCases('name', 1, 128),
  ...lengthCases('role', 1, 128),
  { title: 'name: not text', patch: { name: 42 }, invalid: 'name' },
  { title: 'role: not text', patch: { role: ['CFO'] }, invalid: 'role' },

  // email: 3–255 code points, split at the last @, non-empty local part, a dot in the domain.
  { title: 'email: 3 code points (a@.)', patch: { email: 'a@.' }, output: { email: 'a@.' } },
  { title: 'email: 3 code points, one an emoji', patch: { email: `${EMOJI}@.` }, output: { email: `${EMOJI}@.` } },
  { title: 'email: 2 code points', patch: { email: 'a@' }, invalid: 'email' },
  { title: 'email: 255 code points', patch: { email: `a@${ascii(249)}.com` }, output: { email: `a@${ascii(249)}.com` } },
  { title: 'email: 256 code points', patch: { email: `a@${ascii(250)}.com` }, invalid: 'email' },
  { title: 'email: 255 code points, 504 UTF-16 units', patch: { email: `${emoji(249)}@b.com` }, output: { email: `${emoji(249)}@b.com` } },
  { title: 'email: 256 code points of emoji', patch: { email: `${emoji(250)}@b.com` }, invalid: 'email' },
  { title: 'email: a@b@c.d splits at the last @', patch: { email: 'a@b@c.d' }, output: { email: 'a@b@c.d' } },
  { title: 'email: a@b.c@d has no dot after the last @', patch: { email: 'a@b.c@d' }, invalid: 'email' },
  { title: 'email: a.b@c has its dot in the local part only', patch: { email: 'a.b@c' }, invalid: 'email' },
  { title: 'email: @x.y has an empty local part', patch: { email: '@x.y' }, invalid: 'email' },
  { title: 'email: x@ has an empty domain', patch: { email: 'x@' }, invalid: 'email' },
  { title: 'email: ann@ has an empty domain', patch: { email: 'ann@' }, invalid: 'email' },
  { title: 'email: x@y has no dot in the domain', patch: { email: 'x@y' }, invalid: 'email' },
  { title: 'email: a@b. has a dot in its domain', patch: { email: 'a@b.' }, output: { email: 'a@b.' } },
  { title: 'email: no @ at all', patch: { email: 'ann.corp.example' }, invalid: 'email' },
  { title: 'email: not text', patch: { email: 7 }, invalid: 'email' },

  // tone: exact, case-sensitive.
  ...TONES.filter((tone) => tone !== 'custom').map((tone): Case => ({ title: `tone: ${tone}`, patch: { tone }, output: { tone } })),
  { title: 'tone: absent is formal', patch: {}, output: { tone: 'formal' } },
  { title: 'tone: Formal (case)', patch: { tone: 'Formal' }, invalid: 'tone' },
  { title: 'tone: unknown word', patch: { tone: 'friendly' }, invalid: 'tone' },

  // tone_custom: ≤128 code points, required and non-blank (as Python's strip() sees it) for the custom tone.
  ...lengthCases('tone_custom', 0, 128),
  { title: 'tone_custom: custom tone with a description', patch: { ...CUSTOM, tone_custom: 'dry, laconic' }, output: { tone: 'custom', tone_custom: 'dry, laconic' } },
  { title: 'tone_custom: custom tone, 128 emoji', patch: { ...CUSTOM, tone_custom: emoji(128) }, output: { tone_custom: emoji(128) } },
  { title: 'tone_custom: custom tone, missing', patch: CUSTOM, invalid: 'tone_custom' },
  { title: 'tone_custom: custom tone, null', patch: { ...CUSTOM, tone_custom: null }, invalid: 'tone_custom' },
  { title: 'tone_custom: custom tone, empty', patch: { ...CUSTOM, tone_custom: '' }, invalid: 'tone_custom' },
  { title: 'tone_custom: custom tone, whitespace only', patch: { ...CUSTOM, tone_custom: ' \t\n\u00a0\u3000' }, invalid: 'tone_custom' },
  { title: 'tone_custom: custom tone, Python-only whitespace (U+001C, U+0085)', patch: { ...CUSTOM, tone_custom: '\u001c\u0085' }, invalid: 'tone_custom' },
  { title: 'tone_custom: custom tone, U+FEFF is not blank to Python', patch: { ...CUSTOM, tone_custom: '\ufeff' }, output: { tone_custom: '\ufeff' } },
  { title: 'tone_custom: null', patch: { tone_custom: null }, output: { tone_custom: null } },
  { title: 'tone_custom: absent is null', patch: {}, output: { tone_custom: null } },
  { title: 'tone_custom: blank is fine for another tone', patch: { tone: 'direct', tone_custom: '  ' }, output: { tone_custom: '  ' } },
  { title: 'tone_custom: not text', patch: { ...CUSTOM, tone_custom: 1 }, invalid: 'tone_custom' },

  // mannerisms: a list of at most 12 strings.
  { title: 'mannerisms: 12 items', patch: { mannerisms: Array.from({ length: 12 }, (_, i) => `m${i}`) }, output: { mannerisms: Array.from({ length: 12 }, (_, i) => `m${i}`) } },
  { title: 'mannerisms: 13 items', patch: { mannerisms: Array.from({ length: 13 }, (_, i) => `m${i}`) }, invalid: 'mannerisms' },
  { title: 'mannerisms: absent is []', patch: {}, output: { mannerisms: [] } },
  { title: 'mannerisms: not a list', patch: { mannerisms: 'says "per my last email"' }, invalid: 'mannerisms' },
  { title: 'mannerisms: a number at index 3', patch: { mannerisms: ['a', 'b', 'c', 4] }, invalid: 'mannerisms.3' },

  // language: ≤8 code points; null or absent becomes the caller's default.
  { title: 'language: 8 characters', patch: { language: 'zh-Hant1' }, output: { language: 'zh-Hant1' } },
  { title: 'language: 9 characters', patch: { language: 'zh-Hant12' }, invalid: 'language' },
  { title: 'language: 8 emoji', patch: { language: emoji(8) }, output: { language: emoji(8) } },
  { title: 'language: kept as written', patch: { language: 'fr' }, output: { language: 'fr' } },
  { title: 'language: null becomes en', patch: { language: null }, output: { language: 'en' } },
  { title: 'language: absent becomes en', patch: {}, output: { language: 'en' } },
  { title: 'language: not text', patch: { language: 3 }, invalid: 'language' },

  ...lengthCases('signature', 0, 512),
  { title: 'signature: null', patch: { signature: null }, output: { signature: null } },
  { title: 'signature: absent is null', patch: {}, output: { signature: null } },

  ...lengthCases('active_hours', 0, 32),
  { title: 'active_hours: absent is 09:00-18:00', patch: {}, output: { active_hours: '09:00-18:00' } },
  { title: 'active_hours: any text is kept (a bad window is always on)', patch: { active_hours: 'whenever' }, output: { active_hours: 'whenever' } },

  ...REPLY_LATENCIES.map((latency): Case => ({ title: `reply_latency: ${latency}`, patch: { reply_latency: latency }, output: { reply_latency: latency } })),
  { title: 'reply_latency: absent is normal', patch: {}, output: { reply_latency: 'normal' } },
  { title: 'reply_latency: FAST (case)', patch: { reply_latency: 'FAST' }, invalid: 'reply_latency' },
  { title: 'reply_latency: unknown word', patch: { reply_latency: 'medium' }, invalid: 'reply_latency' },

  // null is invalid for the fields that have a non-null default.
  ...['tone', 'mannerisms', 'active_hours', 'reply_latency', 'uses_llms_heavily'].map((field): Case => ({ title: `${field}: null`, patch: { [field]: null }, invalid: field })),
];

describe('EmailPersonaSchema, field by field', () => {
  it.each(CASES)('$title', ({ patch, invalid, output }) => {
    const { persona, issues } = check(patch);
    if (invalid === undefined) {
      expect(issues).toEqual([]);
      expect(persona).toMatchObject(output ?? {});
    } else {
      expect(persona).toBeUndefined();
      expect(new Set(issues.map((issue) => issue.path))).toEqual(new Set([invalid]));
    }
  });

  it('resolves a missing language to the languageDefault given', () => {
    expect(check({}, 'es').persona?.language).toBe('es');
    expect(check({ language: null }, 'es').persona?.language).toBe('es');
    expect(check({ language: 'de' }, 'es').persona?.language).toBe('de');
  });

  it('leaves language null in the schema output: only the parsers resolve it', () => {
    const result = v.safeParse(EmailPersonaSchema, BASE);
    expect(result.success && result.output.language).toBeNull();
  });
});

describe('uses_llms_heavily: the lax booleans of pydantic', () => {
  const TRUE_FORMS = ['true', 'yes', 'on', 't', 'y', '1'];
  const FALSE_FORMS = ['false', 'no', 'off', 'f', 'n', '0'];
  const cases: [unknown, boolean][] = [
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ...TRUE_FORMS.flatMap((word): [unknown, boolean][] => [[word, true], [word.toUpperCase(), true]]),
    ...FALSE_FORMS.flatMap((word): [unknown, boolean][] => [[word, false], [word.toUpperCase(), false]]),
    ['YeS', true],
    ['oFf', false],
    ['True', true],
    ['nO', false],
  ];

  it.each(cases)('%j is %s', (value, expected) => {
    const { persona, issues } = check({ uses_llms_heavily: value });
    expect(issues).toEqual([]);
    expect(persona?.uses_llms_heavily).toBe(expected);
  });

  it('is false when absent', () => {
    expect(check({}).persona?.uses_llms_heavily).toBe(false);
  });

  it.each([2, -1, 0.5, 'maybe', '', ' yes', 'yes ', 'tru', '2', 'ye\u017f', null, [], {}])('rejects %j', (value) => {
    expect(check({ uses_llms_heavily: value }).issues).toEqual([
      { path: 'uses_llms_heavily', message: 'uses_llms_heavily must be true or false (also accepted: 0/1, yes/no, on/off, t/f, y/n)' },
    ]);
  });
});

describe('the output', () => {
  it('has exactly the eleven fields, in schema order, with every default', () => {
    const { persona } = check({ nickname: 'annie', extra: { deep: true } });
    expect(PERSONA_FIELDS).toEqual(['name', 'email', 'role', 'tone', 'tone_custom', 'mannerisms', 'language', 'signature', 'active_hours', 'reply_latency', 'uses_llms_heavily']);
    expect(Object.keys(persona ?? {})).toEqual(PERSONA_FIELDS);
    expect(persona).toStrictEqual({
      ...BASE,
      tone: 'formal',
      tone_custom: null,
      mannerisms: [],
      language: 'en',
      signature: null,
      active_hours: '09:00-18:00',
      reply_latency: 'normal',
      uses_llms_heavily: false,
    });
  });

  it('gives every entry its own mannerisms list', () => {
    const { personas } = inspectPersonas([BASE, BASE]);
    expect(personas[0]?.mannerisms).not.toBe(personas[1]?.mannerisms);
  });
});

describe('messages, in operator words', () => {
  it.each([
    [{ email: 'x@y' }, 'email', 'email must look like user@domain.tld'],
    [{ email: `a@${'b'.repeat(250)}.com` }, 'email', 'email must be 3–255 characters'],
    [{ name: '' }, 'name', 'name must be 1–128 characters'],
    [{ name: 5 }, 'name', 'name must be text'],
    [{ tone: 'Formal' }, 'tone', 'tone must be one of formal, direct, casual, technical, custom: tones are lower-case ("formal", not "Formal")'],
    [{ tone: 'friendly' }, 'tone', 'tone must be one of formal, direct, casual, technical, custom'],
    [{ tone: 'custom' }, 'tone_custom', 'tone_custom is required (and must not be blank) when tone is "custom"'],
    [{ mannerisms: ['a', 'b', 'c', 4] }, 'mannerisms.3', 'each mannerism must be text'],
    [{ mannerisms: Array.from({ length: 13 }, String) }, 'mannerisms', 'mannerisms must have at most 12 items'],
    [{ language: 'abcdefghi' }, 'language', 'language must be at most 8 characters'],
    [{ signature: 1 }, 'signature', 'signature must be text or null'],
    [{ active_hours: null }, 'active_hours', 'active_hours must be text'],
    [{ reply_latency: 'soon' }, 'reply_latency', 'reply_latency must be one of fast, normal, slow'],
  ])('%j: %s', (patch, path, message) => {
    expect(check(patch).issues).toEqual([{ path, message }]);
  });

  it('gives every reason when an email is both too short and malformed', () => {
    expect(check({ email: 'a@' }).issues.map((issue) => issue.message)).toEqual(['email must be 3–255 characters', 'email must look like user@domain.tld']);
  });

  it('names each missing required field', () => {
    const { rejected } = inspectPersonas([{}]);
    expect(rejected[0]?.issues).toEqual([
      { path: 'name', message: 'name is required' },
      { path: 'email', message: 'email is required' },
      { path: 'role', message: 'role is required' },
    ]);
  });

  it('reports every fault of an entry, the custom-tone rule included', () => {
    const issues = check({ name: '', tone: 'custom', tone_custom: ' ', reply_latency: 'never' }).issues;
    expect(issues.map((issue) => issue.path)).toEqual(['name', 'reply_latency', 'tone_custom']);
  });
});

describe('codePointLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['Renée', 5],
    [EMOJI, 1],
    [emoji(3), 3],
    ['👩‍💻', 3], // woman, zero-width joiner, laptop: three code points, one glyph
    ['\ud800', 1], // a lone high surrogate counts as one, as in Python
    ['\udc00\ud800', 2], // low then high: not a pair
    ['a\ud83d', 2], // a high surrogate at the very end
  ])('%j has %i code points', (text, count) => {
    expect(codePointLength(text)).toBe(count);
  });
});
