import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmailPersonaSchema, parsePersonas, REPLY_LATENCIES, TONES } from '../../src/index.js';
import { PERSONA_FIELDS } from '../../src/persona/schema.js';

type JsonSchema = Record<string, unknown>;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMA_FILE = `${ROOT}dist/schema.json`;
const EXAMPLE_FILE = `${ROOT}docs/examples/personas.json`;

let file: JsonSchema;
let persona: JsonSchema & { properties: Record<string, JsonSchema>; required: string[] };

beforeAll(() => {
  if (!existsSync(SCHEMA_FILE)) execFileSync(process.execPath, [`${ROOT}.config/build.mjs`], { stdio: 'inherit' });
  file = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;
  persona = file['items'] as typeof persona;
});

/** Code points, as JSON Schema counts a string's length. */
const length = (text: string) => [...text].length;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  boolean: (value) => typeof value === 'boolean',
  null: (value) => value === null,
  array: Array.isArray,
  object: isObject,
};

/** A draft-07 validator for the keywords the build emits; any other keyword fails the test. */
function matches(schema: JsonSchema, value: unknown): boolean {
  return Object.entries(schema).every(([keyword, rule]) => {
    const text = typeof value === 'string' ? value : undefined;
    switch (keyword) {
      case 'type':
        return (TYPES[rule as string] ?? (() => false))(value);
      case 'enum':
        return (rule as unknown[]).includes(value);
      case 'const':
        return value === rule;
      case 'minLength':
        return text === undefined || length(text) >= (rule as number);
      case 'maxLength':
        return text === undefined || length(text) <= (rule as number);
      case 'pattern':
        return text === undefined || new RegExp(rule as string, 'u').test(text);
      case 'maxItems':
        return !Array.isArray(value) || value.length <= (rule as number);
      case 'items':
        return !Array.isArray(value) || value.every((item) => matches(rule as JsonSchema, item));
      case 'anyOf':
        return (rule as JsonSchema[]).some((option) => matches(option, value));
      case 'required':
        return !isObject(value) || (rule as string[]).every((key) => Object.hasOwn(value, key));
      case 'properties':
        return !isObject(value) || Object.entries(rule as Record<string, JsonSchema>).every(([key, sub]) => !Object.hasOwn(value, key) || matches(sub, value[key]));
      case 'if':
        return !matches(rule as JsonSchema, value) || matches((schema['then'] ?? {}) as JsonSchema, value);
      case 'then':
      case 'default':
      case 'title':
      case 'description':
      case '$schema':
      case '$id':
        return true;
      default:
        throw new Error(`the test's validator does not know the keyword ${keyword}`);
    }
  });
}

const BASE = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' };
const valibotAccepts = (entry: unknown) => v.safeParse(EmailPersonaSchema, entry).success;
const schemaAccepts = (entry: unknown) => matches(persona, entry);

/** The code-point bounds valibot enforces on a field, read from its `code_points` action. */
function codePointBounds(field: string): readonly [number, number] | undefined {
  const seen = new Set<unknown>();
  const walk = (node: unknown): readonly [number, number] | undefined => {
    if (!isObject(node) || seen.has(node)) return undefined;
    seen.add(node);
    if (node['type'] === 'code_points') return node['requirement'] as [number, number];
    for (const child of [node['wrapped'], ...((node['pipe'] as unknown[] | undefined) ?? []).slice(1), ...((node['options'] as unknown[] | undefined) ?? [])]) {
      const found = walk(child);
      if (found) return found;
    }
    return undefined;
  };
  return walk(EmailPersonaSchema.entries[field as keyof typeof EmailPersonaSchema.entries]);
}

describe('dist/schema.json', () => {
  it('is a draft-07 schema of a list of personas', () => {
    expect(file).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: { type: 'object' } });
    expect(file['$id']).toMatch(/persona-pool\/dist\/schema\.json$/);
  });

  it('has the eleven fields in schema order, and requires name, email and role', () => {
    expect(Object.keys(persona.properties)).toEqual(PERSONA_FIELDS);
    const required = PERSONA_FIELDS.filter((field) => !valibotAccepts(Object.fromEntries(Object.entries({ ...BASE, tone_custom: 'x' }).filter(([key]) => key !== field))));
    expect(persona.required).toEqual(required);
    expect(persona.required).toEqual(['name', 'email', 'role']);
  });

  it('lets unknown keys through, as the parsers drop them', () => {
    expect(persona).not.toHaveProperty('additionalProperties');
  });

  it.each(['tone', 'tone_custom', 'mannerisms', 'language', 'signature', 'active_hours', 'reply_latency', 'uses_llms_heavily'])('has the default of %s', (field) => {
    const entry = EmailPersonaSchema.entries[field as keyof typeof EmailPersonaSchema.entries];
    expect(persona.properties[field]?.['default']).toEqual(v.getDefault(entry));
  });

  it('lists the tones and reply latencies', () => {
    expect(persona.properties['tone']?.['enum']).toEqual([...TONES]);
    expect(persona.properties['reply_latency']?.['enum']).toEqual([...REPLY_LATENCIES]);
  });

  it.each<[string, number | undefined, number]>([
    ['name', 1, 128],
    ['email', 3, 255],
    ['role', 1, 128],
    ['tone_custom', undefined, 128],
    ['language', undefined, 8],
    ['signature', undefined, 512],
    ['active_hours', undefined, 32],
  ])('bounds %s as valibot does: minLength %s, maxLength %i code points', (field, minLength, maxLength) => {
    const property = persona.properties[field] ?? {};
    const text = (property['anyOf'] as JsonSchema[] | undefined)?.find((option) => option['type'] === 'string') ?? property;
    expect(text['minLength']).toBe(minLength);
    expect(text['maxLength']).toBe(maxLength);
    expect(codePointBounds(field)).toEqual([minLength ?? 0, maxLength]);
  });

  it('bounds mannerisms to 12 strings', () => {
    expect(persona.properties['mannerisms']).toMatchObject({ type: 'array', items: { type: 'string' }, maxItems: 12 });
  });
});

describe('dist/schema.json accepts and rejects what the valibot schema does', () => {
  const EMOJI = '😀';
  /** Texts at and past the field's bounds, in ASCII and in emoji, ending with `suffix`. */
  const strings = (field: string, suffix = ''): string[] => {
    const [min, max] = codePointBounds(field) ?? [0, 0];
    const fill = (unit: string, count: number) => unit.repeat(Math.max(0, count - length(suffix))) + suffix;
    return [max, max + 1, min, min - 1].flatMap((count) => [fill('a', count), fill(EMOJI, count)]);
  };
  const OTHERS = [null, 0, 1, 2, true, false, [], {}, ['x']];
  const EMAILS = ['a@b.c', 'a@.', '😀@.', 'a@b@c.d', 'a@b.', '@x.y', 'x@', 'ann@', 'x@y', 'a@b.c@d', 'a.b@c', 'no-at.example', 'a\n@b.c', 'a@b\n.c', '\ud800@b.c', ` @${'b'.repeat(250)}.c`];
  const BOOLEANS = ['true', 'TRUE', 'YeS', 'on', 'Off', 't', 'F', 'y', 'N', '1', '0', 'no', 'false', '', 'maybe', ' yes', 'yes ', 'tru', 'truee', 'y\n', '\ny', '2', '10', 'ye\u017f', 'o\u0130'];
  const SAMPLES: Record<string, unknown[]> = {
    name: strings('name'),
    email: [...EMAILS, ...strings('email', '@b.c')],
    role: strings('role'),
    tone: [...TONES, 'Formal', 'CASUAL', ''],
    tone_custom: strings('tone_custom'),
    mannerisms: [Array.from({ length: 12 }, String), Array.from({ length: 13 }, String), ['a', 'b', 'c', 4], ['a', null]],
    language: strings('language'),
    signature: strings('signature'),
    active_hours: [...strings('active_hours'), '22:00-06:00', 'whenever'],
    reply_latency: [...REPLY_LATENCIES, 'Fast', 'medium'],
    uses_llms_heavily: [...BOOLEANS, 0.5, -1],
  };
  const cases = Object.entries(SAMPLES).flatMap(([field, values]) => [...values, ...OTHERS].map((value): [string, unknown] => [field, value]));

  it.each(cases)('%s = %j', (field, value) => {
    const entry = { ...BASE, [field]: value };
    expect(schemaAccepts(entry)).toBe(valibotAccepts(entry));
  });

  it.each([
    ['custom with a description', { tone: 'custom', tone_custom: 'dry' }],
    ['custom without tone_custom', { tone: 'custom' }],
    ['custom with a null tone_custom', { tone: 'custom', tone_custom: null }],
    ['custom with an empty tone_custom', { tone: 'custom', tone_custom: '' }],
    ['custom with a blank tone_custom', { tone: 'custom', tone_custom: ' \t\n\u3000' }],
    ['formal with a blank tone_custom', { tone: 'formal', tone_custom: ' ' }],
    ['no tone, a blank tone_custom', { tone_custom: '' }],
  ])('the custom tone rule: %s', (_, patch) => {
    const entry = { ...BASE, ...patch };
    expect(schemaAccepts(entry)).toBe(valibotAccepts(entry));
  });

  // "Blank" is Python's `str.isspace()`: it adds U+001C–U+001F and U+0085 to JavaScript's and leaves out U+FEFF.
  it.each([
    ['U+001C, blank to Python', '\u001c'],
    ['U+0085, blank to Python', '\u0085'],
    ['U+FEFF, not blank to Python', '\ufeff'],
  ])('the custom tone rule: %s', (_, tone_custom) => {
    const entry = { ...BASE, tone: 'custom', tone_custom };
    expect(schemaAccepts(entry)).toBe(valibotAccepts(entry));
  });

  it('compiles every pattern as a Unicode regular expression', () => {
    const patterns = JSON.stringify(file).match(/"pattern":"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(patterns.length).toBeGreaterThanOrEqual(3);
    for (const pattern of patterns) expect(() => new RegExp(JSON.parse(`{${pattern}}`).pattern, 'u')).not.toThrow();
  });
});

describe('docs/examples/personas.json', () => {
  const text = readFileSync(EXAMPLE_FILE, 'utf8');
  const entries = JSON.parse(text) as Record<string, unknown>[];

  it('is valid against both schemas, with nothing dropped', () => {
    expect(matches(file, entries)).toBe(true);
    expect(entries.every(valibotAccepts)).toBe(true);
    expect(parsePersonas(text)).toHaveLength(entries.length);
  });

  it('is written as the library writes: eleven fields in order, two-space indent, a trailing newline', () => {
    for (const entry of entries) expect(Object.keys(entry)).toEqual(PERSONA_FIELDS);
    expect(text).toBe(`${JSON.stringify(entries, null, 2)}\n`);
  });

  it('is canonical: no lax boolean, and reading it back changes nothing but a null language', () => {
    for (const entry of entries) expect(typeof entry['uses_llms_heavily']).toBe('boolean');
    const languages = parsePersonas(text, { languageDefault: 'xx' }).map((read) => read.language);
    expect(parsePersonas(text, { languageDefault: 'xx' })).toEqual(entries.map((entry, index) => ({ ...entry, language: languages[index] })));
    expect(languages).toEqual(entries.map((entry) => entry['language'] ?? 'xx'));
  });

  it('is shown verbatim as the complete example of docs/file-format.md', () => {
    const guide = readFileSync(`${ROOT}docs/file-format.md`, 'utf8');
    const example = guide.slice(guide.indexOf('## A complete example'));
    expect(/```json\n([\s\S]*?)```/.exec(example)?.[1]).toBe(text);
  });

  it('shows the variety an operator needs', () => {
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(new Set(entries.map((entry) => entry['tone'])).size).toBeGreaterThanOrEqual(4);
    expect(new Set(entries.map((entry) => entry['reply_latency'])).size).toBe(REPLY_LATENCIES.length);
    expect(entries.some((entry) => entry['tone'] === 'custom' && typeof entry['tone_custom'] === 'string')).toBe(true);
    expect(entries.some((entry) => entry['language'] === null)).toBe(true);
    expect(entries.some((entry) => entry['active_hours'] === '22:00-06:00')).toBe(true);
  });
});
