import { logger } from '../log.js';
import * as v from 'valibot';
import { acceptPersona, REJECT, type Accept } from './fast-accept.js';
import { EmailPersonaSchema, REPLY_LATENCIES, TONES } from './schema.js';

// The fast path (fast-accept.ts) reads valibot's schema objects and calls their `~run`: internals
// that a later valibot 1.x may change. So it proves itself once per process, on first use (not at
// import, to keep start-up cheap): on a fixed set of valid and invalid entries it must answer
// exactly as v.safeParse. If it disagrees or throws, parsing uses v.safeParse alone for good:
// slower, never wrong.

const log = logger('persona-pool:parse');

const BASE = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' } as const;
const FULL = {
  ...BASE,
  tone: 'custom',
  tone_custom: 'dry, precise',
  mannerisms: ['signs with initials', 'no greetings'],
  language: 'es',
  signature: '-- \nAnn',
  active_hours: '08:00-17:00',
  reply_latency: 'fast',
  uses_llms_heavily: 'yes',
} as const;
const EMOJI = '😀';
const LAX_BOOLEANS = [true, false, 0, 1, -0, 'true', 'FALSE', 'Yes', 'no', 'ON', 'off', 't', 'F', 'y', 'N', '1', '0', 2, -1, 0.5, '', 'maybe', ' yes', null, undefined];
/** Each text field's bounds in code points: at the limit and past it, in ASCII and outside the BMP. */
const BOUNDS = { name: [1, 128], role: [1, 128], email: [3, 255], tone_custom: [0, 128], language: [0, 8], signature: [0, 512], active_hours: [0, 32] } as const;

function without(key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(FULL).filter(([name]) => name !== key));
}

/** A field at its bounds and one past them, in ASCII and outside the BMP (an email keeps its `@x.co`). */
function lengths(field: string, [min, max]: readonly [number, number]): Record<string, unknown>[] {
  const tail = field === 'email' ? '@x.co' : '';
  const fill = (unit: string, count: number) => `${unit.repeat(count - tail.length)}${tail}`;
  const texts = [fill('a', max), fill('a', max + 1), fill(EMOJI, max), fill(EMOJI, max + 1)];
  if (min > 0 && tail === '') texts.push('a'.repeat(min), '');
  return texts.map((text) => ({ ...FULL, [field]: text }));
}

/**
 * The entries the fast path must answer exactly as v.safeParse: every field valid, absent,
 * `undefined`, `null` and of a wrong type; lax booleans; every tone and latency and near misses;
 * a custom tone with and without a (blank) `tone_custom`; lengths at and past each bound, in code
 * points; mannerisms' count and items; unknown keys; and values that are not objects. Built when
 * first asked for, not at import.
 *
 * @returns The entries (the same array on every call).
 */
export function selfCheckEntries(): readonly unknown[] {
  return (entries ??= buildEntries());
}

let entries: readonly unknown[] | undefined;

const buildEntries = (): readonly unknown[] => [
  BASE,
  FULL,
  { ...FULL, tone: 'formal' },
  { ...FULL, nickname: 'Annie', team: { size: 4 }, constructor: 1, ['__proto__']: { tone: 'casual' } },
  ...Object.keys(FULL).flatMap((key) => [without(key), { ...FULL, [key]: undefined }, { ...FULL, [key]: null }, { ...FULL, [key]: 42 }, { ...FULL, [key]: [] }]),
  ...LAX_BOOLEANS.map((value) => ({ ...BASE, uses_llms_heavily: value })),
  ...[...TONES, 'Formal', 'friendly'].map((tone) => ({ ...BASE, tone })),
  ...[...REPLY_LATENCIES, 'Fast', 'never'].map((reply_latency) => ({ ...BASE, reply_latency })),
  { ...BASE, tone: 'custom' },
  { ...BASE, tone: 'custom', tone_custom: ' \t\u3000' },
  { ...BASE, tone: 'custom', tone_custom: '\ufeff' },
  ...Object.entries(BOUNDS).flatMap(([field, bounds]) => lengths(field, bounds)),
  ...['a@.', 'a@', 'a@b.c', 'a@b', '@b.c', 'a@b.', 'a@@b.c', 'a@b@c.d', 'ann.corp.example'].map((email) => ({ ...BASE, email })),
  ...[[], Array(12).fill('x'), Array(13).fill('x'), [1], ['ok', null], 'terse'].map((mannerisms) => ({ ...BASE, mannerisms })),
  null,
  42,
  'Ann Lee',
  [],
  [BASE],
  true,
];

/** Equal as JSON values are, and with the keys of each object in the same order. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const other = Object.keys(b);
  return keys.length === other.length && keys.every((key, i) => key === other[i] && same(a[key as keyof typeof a], b[key as keyof typeof b]));
}

/** Whether `output` holds an object of `input` (an output must be new, since parsed personas are frozen). */
function shares(output: unknown, input: unknown): boolean {
  if (typeof output !== 'object' || output === null) return false;
  if (output === input) return true;
  const inner = typeof input === 'object' && input !== null ? Object.values(input) : [];
  return Object.values(output).some((value) => typeof value === 'object' && value !== null && inner.includes(value));
}

function disagreement(accept: Accept, entry: unknown): string | undefined {
  const expected = v.safeParse(EmailPersonaSchema, entry);
  const output = accept(entry, v.getGlobalConfig());
  if (output === REJECT) return expected.success ? 'it rejects a valid entry' : undefined;
  if (!expected.success) return 'it accepts an invalid entry';
  if (!same(output, expected.output)) return 'its output differs';
  return shares(output, entry) ? 'its output holds part of the input' : undefined;
}

/**
 * Runs `accept` and `v.safeParse` on every entry of {@link selfCheckEntries}.
 *
 * @param accept - A fast path: the output of a valid entry, or `REJECT`.
 * @returns Undefined when they agree on every entry; else the first disagreement, in words.
 */
export function selfCheck(accept: Accept): string | undefined {
  for (const [index, entry] of selfCheckEntries().entries()) {
    let problem: string | undefined;
    try {
      problem = disagreement(accept, entry);
    } catch (error) {
      problem = `it throws ${String(error)}`;
    }
    if (problem !== undefined) return `entry #${index}: ${problem}`;
  }
  return undefined;
}

/**
 * `true` in the bundles of dist/ when the build ran this self-check against the valibot it bundles
 * and it passed (esbuild's `define`, .config/build.mjs): that valibot is the only one they run, so no
 * process pays the check (10–40 ms on its first parse). Undefined in the sources, which check as before.
 */
declare const PERSONA_POOL_FAST_PATH_PROVEN: boolean | undefined;

/** What parsing uses when the fast path failed its self-check: it accepts nothing, so v.safeParse decides. */
const SAFE_PARSE_ONLY: Accept = () => REJECT;
/** The fast path once proven, or SAFE_PARSE_ONLY; undefined until the first parse. */
let trusted: Accept | undefined;

/**
 * Self-checks `accept` and makes it the fast path of this process if it passes; otherwise parsing
 * uses v.safeParse alone from now on, and says why once through `debug` (`persona-pool:parse`).
 * Parsing calls it with the real fast path on first use; tests call it with a broken one.
 *
 * @param accept - The fast path to prove.
 * @returns Whether it passed.
 */
export function proveFastPath(accept: Accept): boolean {
  const problem = selfCheck(accept);
  trusted = problem === undefined ? accept : SAFE_PARSE_ONLY;
  if (problem !== undefined) log('the fast path disagrees with v.safeParse (%s): this process parses with v.safeParse only', problem);
  return problem === undefined;
}

/**
 * The fast path's answer for one entry: valibot's output when the entry is valid, or `REJECT`
 * (always, once the fast path failed its self-check), so that v.safeParse decides and says why.
 *
 * @param entry - A persona entry (an object).
 * @returns The output, or `REJECT`.
 */
export function fastAccept(entry: unknown): unknown {
  if (trusted === undefined) {
    if (typeof PERSONA_POOL_FAST_PATH_PROVEN === 'boolean' && PERSONA_POOL_FAST_PATH_PROVEN) trusted = acceptPersona;
    else proveFastPath(acceptPersona);
  }
  return (trusted as Accept)(entry, v.getGlobalConfig());
}
