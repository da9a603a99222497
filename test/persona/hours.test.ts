import { afterEach, describe, expect, it } from 'vitest';
import { inActiveHours, inWorkHours, isPersonaPoolError, loginFor, parsePersonas } from '../../src/index.js';
import { clearTimeZoneCache } from '../../src/persona/hours.js';

/** A local wall-clock time on 1 January 2026, whatever the process's time zone. */
const at = (hours: number, minutes = 0) => new Date(2026, 0, 1, hours, minutes);

/** Runs `test` and returns what it threw. */
function thrown(test: () => unknown): unknown {
  try {
    test();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('inWorkHours on the local wall clock', () => {
  it.each<[string, number, number, boolean]>([
    ['09:00-18:00', 9, 0, true],
    ['09:00-18:00', 8, 59, false],
    ['09:00-18:00', 17, 59, true],
    ['09:00-18:00', 18, 0, false],
    ['09:00-18:00', 0, 0, false],
    ['9:00-17:00', 9, 0, true],
    ['9:00-17:00', 8, 59, false],
    ['9:00-17:00', 16, 59, true],
    ['9:00-17:00', 17, 0, false],
    ['09:30-10:15', 9, 29, false],
    ['09:30-10:15', 9, 30, true],
    ['09:30-10:15', 10, 14, true],
    ['09:30-10:15', 10, 15, false],
    // Past midnight.
    ['22:00-06:00', 22, 0, true],
    ['22:00-06:00', 23, 0, true],
    ['22:00-06:00', 0, 0, true],
    ['22:00-06:00', 5, 59, true],
    ['22:00-06:00', 6, 0, false],
    ['22:00-06:00', 12, 0, false],
    ['22:00-06:00', 21, 59, false],
    ['22:00-6:00', 5, 59, true],
    ['22:00-6:00', 6, 0, false],
  ])('%s at %i:%i is %s', (window, hours, minutes, expected) => {
    expect(inWorkHours(window, at(hours, minutes))).toBe(expected);
  });

  it('reads the wall time of a Date built from local parts', () => {
    expect(inWorkHours('09:00-09:01', new Date(2026, 0, 1, 9, 0))).toBe(true);
    expect(inWorkHours('09:00-09:01', new Date(2026, 0, 1, 9, 1))).toBe(false);
  });
});

describe('windows that are always on', () => {
  const MOMENTS = [at(0, 0), at(3, 0), at(8, 0), at(12, 0), at(23, 59)];

  it.each<[string, unknown]>([
    ['equal start and end', '08:00-08:00'],
    ['equal start and end at midnight', '0:00-00:00'],
    ['empty', ''],
    ['hours without minutes', '9-17'],
    ['hours of 24 or more', '25:00-26:00'],
    ['an end hour of 24', '09:00-24:00'],
    ['minutes of 60', '09:60-10:00'],
    ['single-digit minutes', '9:5-17:00'],
    ['three-digit hours', '009:00-17:00'],
    ['a word', 'abc'],
    ['one time only', '09:00'],
    ['not text: a number', 9],
    ['not text: null', null],
    ['not text: undefined', undefined],
    ['not text: an object', { start: '09:00', end: '17:00' }],
  ])('%s (%j)', (_, window) => {
    for (const now of MOMENTS) expect(inWorkHours(window as string, now)).toBe(true);
  });
});

describe('inWorkHours in an IANA time zone', () => {
  afterEach(() => {
    clearTimeZoneCache();
  });

  // 2026-01-15 00:30 UTC is 09:30 in Tokyo (UTC+9) and 19:30 the day before in New York (UTC-5).
  const INSTANT = new Date('2026-01-15T00:30:00Z');

  it.each([
    ['Asia/Tokyo', '09:00-18:00', true],
    ['America/New_York', '09:00-18:00', false],
    ['Asia/Tokyo', '18:00-09:00', false],
    ['America/New_York', '18:00-09:00', true],
    ['UTC', '00:30-00:31', true],
    ['UTC', '00:00-00:30', false],
  ])('%s, %s is %s', (timeZone, window, expected) => {
    expect(inWorkHours(window, INSTANT, { timeZone })).toBe(expected);
  });

  it('follows daylight saving time', () => {
    // 13:30 UTC is 09:30 EDT in July and 08:30 EST in January.
    const options = { timeZone: 'America/New_York' };
    expect(inWorkHours('09:00-17:00', new Date('2026-07-15T13:30:00Z'), options)).toBe(true);
    expect(inWorkHours('09:00-17:00', new Date('2026-01-15T13:30:00Z'), options)).toBe(false);
  });

  it.each(['Mars/Olympus_Mons', 'Europe/Nowhere', ''])('throws INVALID_OPTION for the unknown zone %j, whatever the window', (timeZone) => {
    for (const window of ['09:00-18:00', '08:00-08:00', 'abc']) {
      const error = thrown(() => inWorkHours(window, INSTANT, { timeZone }));
      expect(isPersonaPoolError(error, 'INVALID_OPTION')).toBe(true);
      expect((error as Error).message).toContain('IANA');
    }
  });

  it('builds one formatter a zone until the cache is cleared', () => {
    const original = Intl.DateTimeFormat;
    let built = 0;
    class Counting extends original {
      constructor(...args: ConstructorParameters<typeof original>) {
        super(...args);
        built++;
      }
    }
    Object.defineProperty(Intl, 'DateTimeFormat', { value: Counting });
    try {
      inWorkHours('09:00-18:00', INSTANT, { timeZone: 'Asia/Tokyo' });
      inWorkHours('09:00-18:00', INSTANT, { timeZone: 'Asia/Tokyo' });
      expect(built).toBe(1);
      clearTimeZoneCache();
      expect(inWorkHours('09:00-18:00', INSTANT, { timeZone: 'Asia/Tokyo' })).toBe(true);
      expect(built).toBe(2);
    } finally {
      Object.defineProperty(Intl, 'DateTimeFormat', { value: original });
    }
  });
});

describe('inActiveHours', () => {
  const [night, office] = parsePersonas([
    { name: 'Nia Oduya', email: 'nia@corp.example', role: 'NOC', active_hours: '22:00-06:00' },
    { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' },
  ]);

  it('reads the persona\'s active_hours, 09:00-18:00 by default', () => {
    if (!night || !office) throw new Error('fixture personas did not parse');
    expect([inActiveHours(night, at(23)), inActiveHours(office, at(23))]).toEqual([true, false]);
    expect([inActiveHours(night, at(10)), inActiveHours(office, at(10))]).toEqual([false, true]);
  });

  it('passes the time zone on', () => {
    const instant = new Date('2026-01-15T00:30:00Z');
    expect(inActiveHours({ active_hours: '09:00-18:00' }, instant, { timeZone: 'Asia/Tokyo' })).toBe(true);
    expect(inActiveHours({ active_hours: '09:00-18:00' }, instant, { timeZone: 'America/New_York' })).toBe(false);
  });
});

describe('loginFor', () => {
  it.each([
    ['John Smith', 'johnsmith'],
    ['Mr. Robot', 'user'],
    ['Renée', 'user'],
    ['', 'user'],
    ['   ', 'user'],
    ['ANN LEE', 'annlee'],
    ['Agent 47', 'agent47'],
    ['R2 D2', 'r2d2'],
    ['  padded  name  ', 'paddedname'],
    ['John\tSmith', 'user'], // only spaces are removed
    ['John\u00a0Smith', 'user'],
    ['anne-marie', 'user'],
    ['o_brien', 'user'],
    ['李雷', 'user'],
  ])('%j → %s', (name, login) => {
    expect(loginFor(name)).toBe(login);
  });
});
