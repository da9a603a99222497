// Warnings: accepted as the original accepts it, but probably a mistake. They never change what is accepted.
import { describe, expect, it } from 'vitest';
import { parseWorkWindow } from '../../src/persona/hours.js';
import { inActiveHours, inspectPersonas, type PersonaWarning } from '../../src/index.js';
import { PERSONA_FIELDS } from '../../src/persona/schema.js';
import { PERSONA_WARNING_CODES } from '../../src/persona/warnings.js';
import { editDistance, nearestName } from '../../src/persona/nearest.js';

const ANN = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' };
const BOB = { name: 'Bob Ray', email: 'bob@corp.example', role: 'SRE' };
const CHEN = { name: 'Chen Wei', email: 'chen@corp.example', role: 'Office Manager' };

const warningsOf = (list: unknown[]) => inspectPersonas(list).warnings;
const brief = (warnings: readonly PersonaWarning[]) => warnings.map(({ index, path, code }) => [index, path, code]);

describe('UNKNOWN_FIELD', () => {
  it.each([
    ['activ_hours', 'active_hours'],
    ['reply_latancy', 'reply_latency'],
    ['signture', 'signature'],
    ['langauge', 'language'],
    ['tone_costum', 'tone_custom'],
    ['mannerism', 'mannerisms'],
    ['usesLlmsHeavily', 'uses_llms_heavily'],
    ['Active-Hours', 'active_hours'],
    ['Tone', 'tone'],
    ['rol', 'role'],
  ])('says "%s" is ignored, and suggests "%s"', (key, field) => {
    expect(warningsOf([{ ...ANN, [key]: 'x' }])).toEqual([
      { index: 0, path: key, code: 'UNKNOWN_FIELD', message: `unknown field "${key}" is ignored; did you mean "${field}"?` },
    ]);
  });

  it.each(['favourite_colour', 'date', 'time', 'department', 'x'])('suggests nothing for "%s", which is near no field', (key) => {
    expect(warningsOf([{ ...ANN, [key]: 1 }])).toEqual([{ index: 0, path: key, code: 'UNKNOWN_FIELD', message: `unknown field "${key}" is ignored` }]);
  });

  it('warns about every unknown key, in key order, and about none of the eleven fields', () => {
    const full = Object.fromEntries(PERSONA_FIELDS.map((field) => [field, null]));
    const entry = { ...ANN, ...full, ...ANN, tone: 'formal', mannerisms: [], active_hours: '09:00-18:00', reply_latency: 'fast', uses_llms_heavily: false, b: 1, a: 2 };
    expect(inspectPersonas([entry]).personas).toHaveLength(1);
    expect(brief(warningsOf([entry]))).toEqual([[0, 'b', 'UNKNOWN_FIELD'], [0, 'a', 'UNKNOWN_FIELD']]);
  });

  it('warns on rejected entries too, where a misspelt required field is the reason', () => {
    const { personas, rejected, warnings } = inspectPersonas([ANN, { nmae: 'Bob Ray', email: 'bob@corp.example', role: 'SRE' }]);
    expect(personas).toHaveLength(1);
    expect(rejected).toEqual([{ index: 1, issues: [{ path: 'name', message: 'name is required' }] }]);
    expect(warnings).toEqual([{ index: 1, path: 'nmae', code: 'UNKNOWN_FIELD', message: 'unknown field "nmae" is ignored; did you mean "name"?' }]);
  });

  it('treats __proto__ and constructor from JSON text as ordinary unknown keys', () => {
    const text = JSON.stringify([{ ...ANN, constructor: 1 }]).replace('"constructor"', '"__proto__":{"x":1},"constructor"');
    expect(brief(inspectPersonas(text).warnings)).toEqual([[0, '__proto__', 'UNKNOWN_FIELD'], [0, 'constructor', 'UNKNOWN_FIELD']]);
  });

  it('quotes a key safely in the message: control characters escaped, a long key cut', () => {
    const long = 'k'.repeat(100);
    const [control, cut] = warningsOf([{ ...ANN, 'a\u001b[2Jb': 1, [long]: 2 }]);
    expect(control?.message).toBe('unknown field "a\\u001b[2Jb" is ignored');
    expect(cut).toEqual({ index: 0, path: long, code: 'UNKNOWN_FIELD', message: `unknown field "${'k'.repeat(59)}…" is ignored` });
  });

  it('says nothing about entries that are not objects, and does not throw on a proxy that hides its keys', () => {
    const secretive = new Proxy(
      { ...ANN },
      {
        ownKeys() {
          throw new Error('ownKeys trap');
        },
      },
    );
    const { personas, rejected, warnings } = inspectPersonas([7, null, ['name'], 'name', secretive]);
    expect([personas.length, rejected.length, warnings]).toEqual([1, 4, []]);
  });
});

describe('DUPLICATE_EMAIL', () => {
  it('points at the first valid entry with that email, compared without case', () => {
    const list = [ANN, BOB, { ...CHEN, email: 'ANN@Corp.Example' }, { ...CHEN, email: ANN.email }];
    const { personas, warnings } = inspectPersonas(list);
    expect(personas).toHaveLength(4);
    expect(warnings).toEqual([
      {
        index: 2,
        path: 'email',
        code: 'DUPLICATE_EMAIL',
        message: 'email "ANN@Corp.Example" is already the email of entry #0 (compared without case): both personas would share one mailbox',
      },
      expect.objectContaining({ index: 3, path: 'email', code: 'DUPLICATE_EMAIL', message: expect.stringContaining('entry #0') }),
    ]);
  });

  it('counts valid entries only, on either side', () => {
    const invalid = { email: ANN.email, role: 'no name' };
    expect(warningsOf([invalid, ANN, BOB])).toEqual([]);
    expect(brief(warningsOf([invalid, ANN, { ...BOB, email: ANN.email }]))).toEqual([[2, 'email', 'DUPLICATE_EMAIL']]);
    expect(warningsOf([invalid, ANN, invalid])).toEqual([]);
    expect(warningsOf([ANN, invalid])).toEqual([]);
  });

  it('compares the email as written otherwise: the schema keeps spaces, so " ann@…" is another address', () => {
    expect(warningsOf([ANN, { ...BOB, email: ` ${ANN.email}` }])).toEqual([]);
  });
});

describe('BAD_ACTIVE_HOURS', () => {
  const WARNED = ['9-5', '25:00-26:00', '09:60-10:00', '09:00-24:00', '9:5-17:00', '', 'always', '09:00', '9:00 - 17:00 CET', '9.00-17.00'];
  const FINE = ['9:30-18:30', '09:00-18:00', '22:00-06:00', '22:00-6:00', ' 9:00 - 17:00 ', '0:00-23:59', '08:00-08:00'];

  it.each(WARNED)('warns about "%s", which counts as always active', (active_hours) => {
    const { personas, warnings } = inspectPersonas([{ ...ANN, active_hours }]);
    expect(personas[0]?.active_hours).toBe(active_hours);
    expect(warnings).toEqual([
      {
        index: 0,
        path: 'active_hours',
        code: 'BAD_ACTIVE_HOURS',
        message: `active_hours ${JSON.stringify(active_hours)} is not a window HH:MM-HH:MM (hours 0–23, minutes 00–59, such as "09:00-18:00"): the persona will count as always active`,
      },
    ]);
  });

  it.each(FINE)('says nothing about "%s"', (active_hours) => {
    expect(warningsOf([{ ...ANN, active_hours }])).toEqual([]);
  });

  it('says nothing about the default window, nor about the window of a rejected entry', () => {
    expect(warningsOf([ANN])).toEqual([]);
    expect(warningsOf([{ ...ANN, active_hours: '9-5', role: '' }])).toEqual([]);
  });

  it('agrees with inActiveHours: every warned window is always active, and each fine one but 08:00-08:00 is not', () => {
    const day = Array.from({ length: 24 * 60 }, (_, minute) => new Date(2026, 0, 1, Math.floor(minute / 60), minute % 60));
    const alwaysOn = (active_hours: string) => day.every((now) => inActiveHours({ active_hours }, now));
    for (const window of WARNED) expect([window, alwaysOn(window)]).toEqual([window, true]);
    for (const window of FINE) expect([window, alwaysOn(window)]).toEqual([window, window === '08:00-08:00']);
  });

  it('comes from the very parser inWorkHours uses', () => {
    expect(parseWorkWindow('9:30-18:30')).toEqual({ start: 570, end: 1110 });
    expect(parseWorkWindow(' 22:00 -\t6:00 ')).toEqual({ start: 1320, end: 360 });
    for (const window of ['9-5', '25:00-26:00', '09:00-09:60', '', 9, null, undefined]) expect(parseWorkWindow(window)).toBeNull();
  });
});

describe('warnings, all together', () => {
  it('come by entry index, each entry unknown fields first, and never change what is accepted', () => {
    const list = [
      { ...ANN, activ_hours: '08:00-16:00' },
      { ...BOB, email: 'bob' },
      { ...CHEN, email: 'ann@CORP.example', active_hours: '9-5', nickname: 'C' },
    ];
    const noisy = inspectPersonas(list);
    expect(brief(noisy.warnings)).toEqual([
      [0, 'activ_hours', 'UNKNOWN_FIELD'],
      [2, 'nickname', 'UNKNOWN_FIELD'],
      [2, 'email', 'DUPLICATE_EMAIL'],
      [2, 'active_hours', 'BAD_ACTIVE_HOURS'],
    ]);
    expect(noisy.personas.map((persona) => persona.active_hours)).toEqual(['09:00-18:00', '9-5']);
    expect(inspectPersonas(list, { warnings: false })).toEqual({ ...noisy, warnings: [] });
  });

  it('are empty, and frozen, when turned off or when the source is unusable', () => {
    for (const inspection of [inspectPersonas([{ ...ANN, x: 1 }], { warnings: false }), inspectPersonas('{'), inspectPersonas('{}')]) {
      expect(inspection.warnings).toEqual([]);
      expect(Object.isFrozen(inspection.warnings)).toBe(true);
    }
  });

  it('are read from JSON text as from a list', () => {
    const list = [{ ...ANN, reply_latancy: 'fast' }, { ...BOB, email: ANN.email }];
    expect(inspectPersonas(JSON.stringify(list)).warnings).toEqual(warningsOf(list));
  });

  it('have the codes PERSONA_WARNING_CODES lists', () => {
    expect(PERSONA_WARNING_CODES).toEqual(['UNKNOWN_FIELD', 'DUPLICATE_EMAIL', 'BAD_ACTIVE_HOURS']);
  });
});

describe('the edit distance behind "did you mean"', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'ab', 1],
    ['ab', 'abc', 1],
    ['ab', 'ba', 1],
    ['abcd', 'badc', 2],
    ['ca', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%j to %j is %i', (a, b, distance) => {
    expect(editDistance(a, b, 10)).toBe(distance);
    expect(editDistance(b, a, 10)).toBe(distance);
  });

  it('stops at max + 1, by length alone or row by row', () => {
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
  });

  it('picks the nearest name, the first on a tie, within one edit for short names and two for longer ones', () => {
    expect(nearestName('tome', ['tone', 'time'])).toBe('tone');
    expect(nearestName('nme', ['name', 'email'])).toBe('name');
    expect(nearestName('emali', PERSONA_FIELDS)).toBe('email');
    expect(nearestName('nmea', PERSONA_FIELDS)).toBeUndefined();
    expect(nearestName('signatur_', PERSONA_FIELDS)).toBe('signature');
    expect(nearestName('sgnatur', PERSONA_FIELDS)).toBe('signature');
    expect(nearestName('sgnatr', PERSONA_FIELDS)).toBeUndefined();
    expect(nearestName('Reply Latency', PERSONA_FIELDS)).toBe('reply_latency');
    expect(nearestName('x'.repeat(10_000), PERSONA_FIELDS)).toBeUndefined();
  });
});
