// The parsers' fast path (a walk of EmailPersonaSchema that skips valibot's per-field datasets)
// must answer exactly as v.safeParse of the same schema: the same entries accepted, the same
// output, field for field and in the same key order, and the same issues for the rest.
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { EmailPersonaSchema, inspectPersonas, REPLY_LATENCIES, TONES } from '../../src/index.js';
import { PERSONA_FIELDS } from '../../src/persona/schema.js';

/** What v.safeParse makes of each entry: the output with the language resolved, or the issue count. */
function reference(entries: readonly unknown[], languageDefault: string): { accepted: unknown[]; rejected: number[] } {
  const accepted: unknown[] = [];
  const rejected: number[] = [];
  entries.forEach((entry, index) => {
    const result = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? v.safeParse(EmailPersonaSchema, entry) : undefined;
    if (result?.success) accepted.push({ ...result.output, language: result.output.language ?? languageDefault });
    else rejected.push(index);
  });
  return { accepted, rejected };
}

const EMPTY = Symbol('absent');
/** Per field: valid values, values of the wrong type, explicit undefined and null, and absence. */
const value = (...plausible: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ arbitrary: fc.oneof(...plausible), weight: 6 }, fc.constantFrom(undefined, null, EMPTY, 0, '', [], {}, true));
const FIELDS = {
  name: value(fc.string({ maxLength: 130 }), fc.constantFrom('José Álvarez', '美咲 佐藤', '😀'.repeat(128), '😀'.repeat(129))),
  email: value(fc.emailAddress(), fc.constantFrom('a@b.c', 'a@b', '@b.c', 'a@@b.c', 'ann@corp.example')),
  role: value(fc.string({ maxLength: 130 })),
  tone: value(fc.constantFrom(...TONES, 'Formal')),
  tone_custom: value(fc.string({ maxLength: 130 }), fc.constantFrom(' ', '\u3000', 'dry')),
  mannerisms: value(fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 13 })),
  language: value(fc.string({ maxLength: 10 })),
  signature: value(fc.string({ maxLength: 520 })),
  active_hours: value(fc.string({ maxLength: 34 }), fc.constant('09:00-18:00')),
  reply_latency: value(fc.constantFrom(...REPLY_LATENCIES, 'Fast')),
  uses_llms_heavily: value(fc.constantFrom(true, false, 0, 1, -0, 2, 'yes', 'NO', 'On', 't', 'F', '1', '0', 'maybe', 0.5)),
};
const ENTRY = fc.record(FIELDS).map((fields) => {
  const entry: Record<string, unknown> = { extra: 1 };
  for (const key of PERSONA_FIELDS) if (fields[key] !== EMPTY) entry[key] = fields[key];
  return entry;
});

describe('the fast path of inspectPersonas', () => {
  it('accepts, outputs and rejects exactly as v.safeParse of EmailPersonaSchema', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: ENTRY, weight: 9 }, fc.anything()), { maxLength: 8 }), fc.constantFrom('en', 'es'), (entries, languageDefault) => {
        const { personas, rejected } = inspectPersonas(entries, { languageDefault });
        const expected = reference(entries, languageDefault);
        expect(personas).toStrictEqual(expected.accepted);
        for (const [k, persona] of personas.entries()) expect(Object.keys(persona)).toEqual(Object.keys(expected.accepted[k] as object));
        expect(rejected.map((entry) => entry.index)).toEqual(expected.rejected);
      }),
      { seed: 20_260_107, numRuns: 3000 },
    );
  });

  it('gives a new object and a new mannerisms list, never the input', () => {
    const entry = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO', mannerisms: ['terse'] };
    const [persona] = inspectPersonas([entry]).personas;
    expect(persona).not.toBe(entry);
    expect(persona?.mannerisms).not.toBe(entry.mannerisms);
    expect(persona?.mannerisms).toEqual(['terse']);
  });
});
