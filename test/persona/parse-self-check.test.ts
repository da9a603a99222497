// The fast path proves itself before a process trusts it: on a fixed set of entries it must answer
// exactly as v.safeParse, or parsing falls back to v.safeParse for good.
import { format } from 'node:util';
import createDebug from 'debug';
import * as v from 'valibot';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { acceptPersona, REJECT, type Accept } from '../../src/persona/fast-accept.js';
import { proveFastPath, selfCheck, selfCheckEntries } from '../../src/persona/fast-self-check.js';
import { EmailPersonaSchema, inspectPersonas, REPLY_LATENCIES, TONES } from '../../src/index.js';
import { PERSONA_FIELDS } from '../../src/persona/schema.js';

/** v.safeParse's answer for each entry: the output with the language resolved, or the issues. */
function reference(entries: readonly unknown[]) {
  const personas: unknown[] = [];
  const rejected: number[] = [];
  entries.forEach((entry, index) => {
    const result = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? v.safeParse(EmailPersonaSchema, entry) : undefined;
    if (result?.success) personas.push({ ...result.output, language: result.output.language ?? 'en' });
    else rejected.push(index);
  });
  return { personas, rejected };
}

/** Captures what `debug` writes for persona-pool:parse. */
function captureDebug(): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const previous = createDebug.log;
  createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
  createDebug.enable('persona-pool:parse');
  return {
    lines,
    stop: () => {
      createDebug.log = previous;
      createDebug.disable();
    },
  };
}

const issuesOn = (entry: unknown) => {
  const result = v.safeParse(EmailPersonaSchema, entry);
  return result.success ? [] : result.issues.map((issue) => String(issue.path?.[0]?.key));
};
const objects = selfCheckEntries().filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry));

afterAll(() => {
  proveFastPath(acceptPersona);
});

describe('the self-check entries', () => {
  it('pass with the installed valibot', () => {
    expect(selfCheck(acceptPersona)).toBeUndefined();
    expect(proveFastPath(acceptPersona)).toBe(true);
  });

  it('hold, for every field, an entry that lacks it, one that sets it validly (not to its default) and one rejected for it', () => {
    const valid = objects.filter((entry) => v.safeParse(EmailPersonaSchema, entry).success);
    for (const field of PERSONA_FIELDS) {
      expect(objects.some((entry) => !(field in entry)), field).toBe(true);
      expect(valid.some((entry) => entry[field] !== undefined && entry[field] !== null), field).toBe(true);
      expect(objects.some((entry) => issuesOn(entry).includes(field)), field).toBe(true);
    }
  });

  it('hold every lax boolean word and number, every tone and latency, a blank custom tone, unknown keys and non-objects', () => {
    const values = (field: string) => objects.map((entry) => entry[field]);
    for (const word of ['true', 'false', 'yes', 'no', 'on', 'off', 't', 'f', 'y', 'n', '1', '0']) {
      expect(values('uses_llms_heavily').some((value) => typeof value === 'string' && value.toLowerCase() === word), word).toBe(true);
    }
    expect(values('uses_llms_heavily')).toEqual(expect.arrayContaining([0, 1, 2, true, false, 'maybe']));
    expect(values('tone')).toEqual(expect.arrayContaining([...TONES, 'Formal']));
    expect(values('reply_latency')).toEqual(expect.arrayContaining([...REPLY_LATENCIES, 'Fast']));
    expect(objects.some((entry) => entry.tone === 'custom' && issuesOn(entry).includes('tone_custom') && typeof entry.tone_custom === 'string')).toBe(true);
    expect(objects.some((entry) => 'nickname' in entry)).toBe(true);
    expect(selfCheckEntries()).toEqual(expect.arrayContaining([null, 42, [], true]));
  });

  it('hold each text field at its bound and past it, counted in code points', () => {
    for (const field of ['name', 'email', 'role', 'tone_custom', 'language', 'signature', 'active_hours']) {
      const astral = objects.filter((entry) => typeof entry[field] === 'string' && (entry[field] as string).includes('😀'));
      expect(astral.some((entry) => issuesOn(entry).length === 0), field).toBe(true);
      expect(astral.some((entry) => issuesOn(entry).includes(field)), field).toBe(true);
    }
  });
});

describe('a fast path that disagrees with v.safeParse', () => {
  const broken: readonly (readonly [string, Accept, RegExp])[] = [
    ['accepts everything as it is', (value) => value, /output differs/],
    ['throws', () => { throw new Error('valibot internals changed'); }, /throws Error: valibot internals changed/],
    ['outputs another default', (value, config) => {
      const output = acceptPersona(value, config);
      return output === REJECT ? output : { ...(output as object), reply_latency: 'slow' };
    }, /output differs/],
    ['keeps the key order of the input', (value, config) => {
      const output = acceptPersona(value, config);
      return output === REJECT ? output : Object.fromEntries(Object.entries(output as object).reverse());
    }, /output differs/],
    ['rejects every entry', () => REJECT, /rejects a valid entry/],
    ['gives the input’s own mannerisms list', (value, config) => {
      const output = acceptPersona(value, config);
      const input = value as { mannerisms?: unknown };
      return output === REJECT || !Array.isArray(input.mannerisms) ? output : { ...(output as object), mannerisms: input.mannerisms };
    }, /holds part of the input/],
    ['accepts one invalid tone', (value, config) => {
      const entry = value as { tone?: unknown };
      return entry?.tone === 'Formal' ? { ...(acceptPersona({ ...entry, tone: 'formal' }, config) as object) } : acceptPersona(value, config);
    }, /accepts an invalid entry/],
  ];

  it.each(broken)('that %s fails the self-check, and parsing falls back to v.safeParse, logged once', (_, accept, reason) => {
    const spy = vi.fn(accept);
    expect(selfCheck(spy)).toMatch(reason);
    const debug = captureDebug();
    try {
      expect(proveFastPath(spy)).toBe(false);
      spy.mockClear();
      const entries = [...selfCheckEntries(), { name: 'Bo Ek', email: 'bo@corp.example', role: 'Clerk', tone: 'Formal' }];
      const { personas, rejected } = inspectPersonas(entries);
      const expected = reference(entries);
      expect(personas).toStrictEqual(expected.personas);
      expect(rejected.map((entry) => entry.index)).toEqual(expected.rejected);
      expect(personas.length).toBeGreaterThan(50);
      inspectPersonas(entries);
      expect(spy).not.toHaveBeenCalled();
      expect(debug.lines.filter((line) => line.includes('v.safeParse only'))).toHaveLength(1);
      expect(debug.lines[0]).toMatch(reason);
    } finally {
      debug.stop();
      proveFastPath(acceptPersona);
    }
  });

  it('is trusted again only through a new self-check that passes', () => {
    expect(proveFastPath(() => REJECT)).toBe(false);
    expect(proveFastPath(acceptPersona)).toBe(true);
    const spy = vi.fn(acceptPersona);
    expect(proveFastPath(spy)).toBe(true);
    spy.mockClear();
    inspectPersonas([{ name: 'Bo Ek', email: 'bo@corp.example', role: 'Clerk' }]);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
