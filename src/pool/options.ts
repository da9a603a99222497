import { homedir } from 'node:os';
import { join } from 'node:path';
import { PersonaPoolError } from '../errors.js';
import { withDefaults, type OptionsInput } from '../options.js';
import type { PersonaStore } from '../stores/types.js';

/** Options of `PersonaPool`; see docs/pool.md. The constructor takes any of them ({@link OptionsInput}): `undefined` means the default. */
export interface PersonaPoolOptions {
  /** A fixed pool file; when set, path resolution is skipped. */
  readonly path: string | undefined;
  /** Where the variable is read, at each call. Default `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The variable naming the pool file. Default `DECNET_REALISM_PERSONAS`. */
  readonly envVar: string;
  /** Default `/etc/decnet/email_personas.json`. */
  readonly systemPath: string;
  /** Default `~/.decnet/email_personas.json`. */
  readonly userPath: string;
  /** The language of personas without one. Default `en`. */
  readonly languageDefault: string;
  /** The most personas `replace` accepts. Default 10,000. */
  readonly maxPersonas: number;
  /** Larger files are not read. Default 16 MiB. */
  readonly maxBytes: number;
  /** A lock not refreshed for this long is taken over. Default 10,000 ms (at least 2,000). */
  readonly lockStaleMs: number;
  /** How long a writer waits for another's lock. Default 15,000 ms: longer than `lockStaleMs`, so a crashed writer's lock is always taken over in time. */
  readonly lockWaitMs: number;
  /** How many replaced versions the history folder `<file>.history/` keeps. Default 20; 0 keeps none. */
  readonly historyLimit: number;
  /**
   * Watch mode: the path is resolved once, here, and cache hits are answered from memory with no
   * syscall while a watch on the file's folder vouches for them. Default `false`: each read checks
   * the file with one `stat`. See docs/pool.md, "Watch mode".
   */
  readonly watch: boolean;
  /**
   * Where the pool lives (see docs/stores.md). Default: the file store, made from the options above
   * (`path`, `env`, `envVar`, `systemPath`, `userPath`, `lockStaleMs`, `lockWaitMs`), which are then
   * ignored; `maxPersonas`, `maxBytes`, `historyLimit`, `languageDefault` and `watch` apply to any store.
   */
  readonly store: PersonaStore | undefined;
}

/**
 * The defaults of {@link PersonaPoolOptions} but `env` (`process.env`) and `userPath`
 * (`~/.decnet/email_personas.json` under the home directory).
 */
export const POOL_DEFAULTS = {
  /** No fixed file: the path is resolved at each call. */
  path: undefined,
  /** The variable the Python original reads. */
  envVar: 'DECNET_REALISM_PERSONAS',
  /** The original's system-wide pool. */
  systemPath: '/etc/decnet/email_personas.json',
  /** English. */
  languageDefault: 'en',
  /** Ten thousand personas. */
  maxPersonas: 10_000,
  /** 16 MiB. */
  maxBytes: 16 * 1024 * 1024,
  /** Ten seconds. */
  lockStaleMs: 10_000,
  /** Fifteen seconds: longer than `lockStaleMs`, so a crashed writer's lock is taken over in time. */
  lockWaitMs: 15_000,
  /** The last twenty versions replaced. */
  historyLimit: 20,
  /** Off: each read checks the file with one `stat`. */
  watch: false,
  /** The file store. */
  store: undefined,
} as const satisfies Omit<PersonaPoolOptions, 'env' | 'userPath'>;

function checkOptions(options: PersonaPoolOptions): PersonaPoolOptions {
  for (const key of ['maxPersonas', 'maxBytes', 'lockStaleMs', 'lockWaitMs', 'historyLimit'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 0) {
      throw new PersonaPoolError('INVALID_OPTION', `PersonaPool option ${key} must be a whole number ≥ 0, got ${String(options[key])}`);
    }
  }
  for (const key of ['envVar', 'systemPath', 'userPath', 'languageDefault'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '') {
      throw new PersonaPoolError('INVALID_OPTION', `PersonaPool option ${key} must be a non-empty string`);
    }
  }
  if (typeof options.watch !== 'boolean') {
    throw new PersonaPoolError('INVALID_OPTION', `PersonaPool option watch must be a boolean, got ${String(options.watch)}`);
  }
  const { store } = options;
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.read !== 'function' || typeof store.replace !== 'function')) {
    throw new PersonaPoolError('INVALID_OPTION', 'PersonaPool option store must be a PersonaStore (an object with read, replace, history and readVersion): see docs/stores.md');
  }
  return options;
}

/**
 * The options of a pool: the defaults, then `options`, checked once. An option set to `undefined`
 * is its default.
 *
 * @param options - What the caller set.
 * @returns The complete options.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
 */
export function poolOptions(options: OptionsInput<PersonaPoolOptions>): PersonaPoolOptions {
  const userPath = join(homedir(), '.decnet', 'email_personas.json');
  return checkOptions(withDefaults<PersonaPoolOptions>({ ...POOL_DEFAULTS, env: process.env, userPath }, options));
}
