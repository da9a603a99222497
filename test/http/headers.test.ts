import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPersonasHandler, type PoolAccess, type RequestHeaders } from '../../src/index.js';
// headerValue and taggedVersions are internal: reached through the handler, and tested here against
// the straightforward forms they replaced (Object.entries/filter/flatMap, split/map/regex/filter).
import { headerValue, taggedVersions } from '../../src/http/headers.js';
import type { PoolSnapshot } from '../../src/pool/snapshot.js';
import { VIEWER } from '../helpers/http.js';

type HeaderRecord = Record<string, string | readonly string[] | undefined>;

function referenceHeaderValue(headers: HeaderRecord, name: string): string | undefined {
  const values = Object.entries(headers)
    .filter(([key, value]) => key.toLowerCase() === name && value !== undefined)
    .flatMap(([, value]) => value as string | readonly string[]);
  return values.length === 0 ? undefined : values.join(', ');
}

function referenceTaggedVersions(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/s, '$1'))
    .filter((tag) => tag !== '');
}

// Keys that match `if-none-match` in some case, and keys that only look alike: another length,
// U+0130 (lower-cases to two code units), U+212A (the Kelvin sign, lower-cases to `k`).
const KEYS = ['if-none-match', 'If-None-Match', 'IF-NONE-MATCH', 'if-none-matcH', 'İf-none-match', 'if-none-match ', 'if-match', 'host', 'accept', '\u212Aey'];
const VALUE = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('"v1"', 'W/"v2"', '*', '', ' '),
  fc.array(fc.constantFrom('"a"', 'b', ''), { maxLength: 3 }),
);
const FRAGMENTS = ['"', 'W/', ',', ' ', '\t', '*', 'v', 'v,w', 'x', '""', '\n'];
const TAG_TEXT = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join(''));

describe('headerValue', () => {
  it('reads node\'s lower-case record directly, with other headers around', () => {
    const headers = { host: '127.0.0.1:8080', connection: 'keep-alive', 'if-none-match': '"v1"', accept: '*/*' };
    expect(headerValue(headers, 'if-none-match')).toBe('"v1"');
    expect(headerValue(headers, 'if-match')).toBeUndefined();
  });

  it('joins a repeated header given as a list, and ignores an empty list and undefined', () => {
    expect(headerValue({ 'if-none-match': ['"a"', 'W/"b"'] }, 'if-none-match')).toBe('"a", W/"b"');
    expect(headerValue({ 'if-none-match': [] }, 'if-none-match')).toBeUndefined();
    expect(headerValue({ 'if-none-match': undefined }, 'if-none-match')).toBeUndefined();
  });

  it('matches mixed-case keys, every one of them, in key order', () => {
    expect(headerValue({ 'If-None-Match': '"a"' }, 'if-none-match')).toBe('"a"');
    expect(headerValue({ 'If-None-Match': '"a"', 'if-none-match': '"b"', 'IF-NONE-MATCH': ['"c"'] }, 'if-none-match')).toBe('"a", "b", "c"');
  });

  it('skips inherited keys, as Object.entries does', () => {
    const headers = Object.create({ 'if-none-match': '"inherited"' }) as HeaderRecord;
    expect(headerValue(headers, 'if-none-match')).toBeUndefined();
  });

  it('asks a fetch Headers object for the lower-case name', () => {
    expect(headerValue(new Headers({ 'If-None-Match': '"a"' }), 'if-none-match')).toBe('"a"');
    expect(headerValue(new Headers(), 'if-none-match')).toBeUndefined();
    expect(headerValue(undefined, 'if-none-match')).toBeUndefined();
  });

  it('agrees with Object.entries/filter/flatMap on any record', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...KEYS), VALUE), { maxLength: 6 }), (entries) => {
        const headers: HeaderRecord = Object.fromEntries(entries);
        expect(headerValue(headers, 'if-none-match')).toBe(referenceHeaderValue(headers, 'if-none-match'));
      }),
      { seed: 20_261_129, numRuns: 3000 },
    );
  });
});

describe('taggedVersions', () => {
  it.each<[string, string | undefined, string[]]>([
    ['no header', undefined, []],
    ['a blank one', ' ', []],
    ['one strong tag', '"v1"', ['v1']],
    ['one weak tag', 'W/"v1"', ['v1']],
    ['a bare version', 'v1', ['v1']],
    ['a padded tag', '  "v1"\t', ['v1']],
    ['*', '*', ['*']],
    ['a list', '"a", W/"b" ,c,, "" ,*', ['a', 'b', 'c', '*']],
    ['a lone quote', '"', ['"']],
  ])('reads %s', (_name, header, versions) => {
    expect(taggedVersions(header)).toEqual(versions);
  });

  it('agrees with split/map/regex/filter on any text', () => {
    fc.assert(
      fc.property(TAG_TEXT, (header) => {
        expect(taggedVersions(header)).toEqual(referenceTaggedVersions(header));
      }),
      { seed: 20_261_129, numRuns: 3000 },
    );
  });
});

describe('the If-None-Match fast path', () => {
  /** A pool whose snapshot has `version`: one snapshot object, as a cache hit gives. */
  function poolWithVersion(version: string): PoolAccess {
    const snapshot: PoolSnapshot = Object.freeze({ path: '/p', personas: [], version, problem: null });
    return { snapshot: () => Promise.resolve(snapshot), replace: () => Promise.reject(new Error('read only')) };
  }

  it('answers as parsing every tag would, whatever the version and the header', async () => {
    await fc.assert(
      fc.asyncProperty(TAG_TEXT, TAG_TEXT, fc.boolean(), async (version, tagText, quoted) => {
        const handle = createPersonasHandler({ pool: poolWithVersion(version) });
        // Half the headers are the exact ETag forms of the version, which the fast path compares whole.
        const header = quoted ? `${tagText.length % 2 === 0 ? '' : 'W/'}"${version}"` : tagText;
        const known = referenceTaggedVersions(header);
        const expected = known.includes('*') || known.includes(version) ? 304 : 200;
        // A fetch Headers object refuses a value with a line break in it.
        const forms: RequestHeaders[] = /[\r\n]/.test(header) ? [{ 'if-none-match': header }] : [{ 'if-none-match': header }, new Headers({ 'if-none-match': header })];
        for (const headers of forms) {
          expect((await handle({ method: 'GET', user: VIEWER, headers })).status).toBe(expected);
        }
      }),
      { seed: 20_261_129, numRuns: 1500 },
    );
  });
});
