import { PersonaPoolError } from '../errors.js';

/** Why an answer was not a new pool: its status (0 when the network failed) and its `detail`. */
export interface FollowFailure {
  /** The HTTP status; 0 when no answer came (network down, CORS refused). */
  readonly status: number;
  /** The body's `detail`, or what went wrong. */
  readonly detail: string;
}

/** Options of {@link followPersonas}. */
export interface FollowOptions<T = unknown> {
  /** The personas endpoint (a named pool's too), absolute or relative to the page. */
  readonly url: string;
  /** Called with each new body (parsed JSON) and its ETag, once per version, in every tab following `url`. */
  readonly onChange: (body: T, etag: string) => void;
  /** Stops following; the promise then resolves. */
  readonly signal?: AbortSignal | undefined;
  /** Called for each failed answer (5xx, a proxy's 504, 404, the network); it is asked again after a back-off. */
  readonly onError?: ((failure: FollowFailure) => void) | undefined;
  /** `Prefer: wait=N`, in seconds; default 25 (keep it under every proxy's timeout). */
  readonly wait?: number | undefined;
  /** Headers sent with every GET, for header authentication; default none (the session cookie authenticates). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** fetch's `credentials`; default `same-origin`. */
  readonly credentials?: 'omit' | 'same-origin' | 'include' | undefined;
  /** The first back-off after a failure, in ms, doubled on each failure in a row; default 1,000. */
  readonly minDelayMs?: number | undefined;
  /** The longest back-off, in ms; default 30,000. */
  readonly maxDelayMs?: number | undefined;
  /** Share one long poll among the tabs (Web Locks, BroadcastChannel); default true. `false`: one poll per tab. */
  readonly share?: boolean | undefined;
}

/** The options, checked, with their defaults. */
export interface FollowSettings<T> {
  readonly url: string;
  readonly onChange: (body: T, etag: string) => void;
  readonly signal: AbortSignal | undefined;
  readonly onError: ((failure: FollowFailure) => void) | undefined;
  readonly wait: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly credentials: 'omit' | 'same-origin' | 'include';
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly share: boolean;
}

const invalid = (what: string) => new PersonaPoolError('INVALID_OPTION', `followPersonas: ${what}`);

function whole(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(`${name} must be a whole number of at least ${min}, got ${String(value)}`);
  return value;
}

function optionalFunction<F>(value: F | undefined, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalid(`${name} must be a function`);
  return value;
}

/**
 * Checks the options of `followPersonas` once.
 *
 * @param options - What the caller gave.
 * @returns The settings, defaults applied.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing `url` or `onChange`, or a malformed option.
 */
export function followSettings<T>(options: FollowOptions<T>): FollowSettings<T> {
  const given = (options ?? {}) as Partial<FollowOptions<T>>;
  if (typeof given.url !== 'string' || given.url === '') throw invalid('url must be the endpoint\'s URL');
  if (typeof given.onChange !== 'function') throw invalid('onChange must be a function');
  const { signal, headers = {}, credentials = 'same-origin', share = true } = given;
  if (signal !== undefined && typeof signal?.aborted !== 'boolean') throw invalid('signal must be an AbortSignal');
  if (typeof headers !== 'object' || headers === null || !Object.values(headers).every((value) => typeof value === 'string')) throw invalid('headers must be a record of strings');
  if (!['omit', 'same-origin', 'include'].includes(credentials)) throw invalid('credentials must be omit, same-origin or include');
  if (typeof share !== 'boolean') throw invalid('share must be a boolean');
  const minDelayMs = whole(given.minDelayMs, 'minDelayMs', 1000, 1);
  return {
    url: given.url,
    onChange: given.onChange,
    signal,
    onError: optionalFunction(given.onError, 'onError'),
    wait: whole(given.wait, 'wait', 25, 1),
    headers,
    credentials,
    minDelayMs,
    maxDelayMs: whole(given.maxDelayMs, 'maxDelayMs', Math.max(30_000, minDelayMs), minDelayMs),
    share,
  };
}
