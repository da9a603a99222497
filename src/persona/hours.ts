import { PersonaPoolError } from '../errors.js';
import type { EmailPersona } from './schema.js';

/** Options of {@link inWorkHours}. */
export interface HoursOptions {
  /** An IANA time zone (`Europe/Madrid`); default: the wall time of `now` in the process's zone. */
  readonly timeZone?: string | undefined;
}

const WINDOW = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since midnight of `HH:MM`, or NaN when out of range. */
function minutes(hours: string, mins: string): number {
  const h = Number(hours);
  const m = Number(mins);
  return h < 24 && m < 60 ? h * 60 + m : Number.NaN;
}

/** A work window, read: its start and end, in minutes since midnight. */
export interface WorkWindow {
  /** The first minute of the window (0–1439). */
  readonly start: number;
  /** The first minute after the window (0–1439); before `start` when the window wraps past midnight. */
  readonly end: number;
}

/**
 * Reads a work window `HH:MM-HH:MM` exactly as {@link inWorkHours} reads it: hours 0–23 (one or two
 * digits), minutes 00–59 (two digits), spaces allowed around the times.
 *
 * @param window - The window, e.g. `09:00-18:00`; anything but a string is malformed.
 * @returns Its start and end, or null for a malformed window, which {@link inWorkHours} treats as always on.
 *
 * @example
 * ```ts
 * parseWorkWindow('9:30-18:30'); // { start: 570, end: 1110 }
 * parseWorkWindow('9-5'); // null
 * ```
 */
export function parseWorkWindow(window: unknown): WorkWindow | null {
  const match = WINDOW.exec(typeof window === 'string' ? window : '');
  if (!match) return null;
  const [, startH, startM, endH, endM] = match as unknown as [string, string, string, string, string];
  const start = minutes(startH, startM);
  const end = minutes(endH, endM);
  return Number.isNaN(start) || Number.isNaN(end) ? null : { start, end };
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    } catch (error) {
      throw new PersonaPoolError('INVALID_OPTION', `Unknown time zone "${timeZone}": use an IANA name such as "Europe/Madrid"`, { cause: error });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallMinutes(now: Date, timeZone: string | undefined): number {
  if (timeZone === undefined) return now.getHours() * 60 + now.getMinutes();
  let total = 0;
  for (const part of formatterFor(timeZone).formatToParts(now)) {
    if (part.type === 'hour') total += Number(part.value) * 60;
    if (part.type === 'minute') total += Number(part.value);
  }
  return total;
}

/**
 * Tells whether `now` falls in a work window `HH:MM-HH:MM` (single-digit hours allowed).
 * The start is included and the end excluded; a window whose end is before its start wraps past
 * midnight; equal start and end means always on; a malformed window means always on (fail-open).
 *
 * @param window - The window, e.g. `09:00-18:00` or `22:00-6:00`.
 * @param now - The moment to test; default: now.
 * @param options - `timeZone`: read the wall clock in this IANA zone instead of the local one.
 * @returns Whether the moment is inside the window.
 * @throws {PersonaPoolError} `INVALID_OPTION` for an unknown time zone.
 *
 * @example
 * ```ts
 * inWorkHours('22:00-06:00', new Date('2026-01-01T23:30:00'), {}); // true
 * inWorkHours('09:00-17:00', new Date(), { timeZone: 'Asia/Tokyo' });
 * ```
 */
export function inWorkHours(window: string, now: Date = new Date(), options: HoursOptions = {}): boolean {
  // An unknown zone is an error whatever the window, not only for the windows that read the clock.
  if (options.timeZone !== undefined) formatterFor(options.timeZone);
  const parsed = parseWorkWindow(window);
  if (parsed === null || parsed.start === parsed.end) return true;
  const { start, end } = parsed;
  const at = wallMinutes(now, options.timeZone);
  return start < end ? start <= at && at < end : at >= start || at < end;
}

/**
 * Tells whether a persona is at work at `now`, by its `active_hours` (see {@link inWorkHours}).
 *
 * @param persona - A persona (only `active_hours` is read).
 * @param now - The moment to test; default: now.
 * @param options - `timeZone`, as for {@link inWorkHours}.
 * @returns Whether the persona is active.
 */
export function inActiveHours(
  persona: Pick<EmailPersona, 'active_hours'>,
  now: Date = new Date(),
  options: HoursOptions = {},
): boolean {
  return inWorkHours(persona.active_hours, now, options);
}

/**
 * The login a persona's mailbox uses: the display name lower-cased with spaces removed, when that
 * leaves only ASCII letters and digits; otherwise `user`.
 *
 * @param displayName - The persona's name.
 * @returns The login.
 *
 * @example
 * ```ts
 * loginFor('John Smith'); // 'johnsmith'
 * loginFor('Renée'); // 'user'
 * ```
 */
export function loginFor(displayName: string): string {
  const login = String(displayName).toLowerCase().replaceAll(' ', '');
  return /^[a-z0-9]+$/.test(login) ? login : 'user';
}

/** Forgets the cached `Intl.DateTimeFormat` of every time zone. */
export function clearTimeZoneCache(): void {
  formatters.clear();
}
