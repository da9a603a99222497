import { PersonaPoolError } from '../errors.js';
import { checkOptionsObject, withDefaults, type OptionsInput } from '../options.js';
import type { PersonaStore } from '../stores/types.js';

/**
 * Options of `PersonaPool`; see docs/pool.md. The constructor takes any of them ({@link OptionsInput}):
 * `undefined` means the default. None names a file concern: those are `fileStore()`'s options.
 */
export interface PersonaPoolOptions {
  /**
   * Where the pool lives (see docs/stores.md). Default: the file store, `fileStore({ path })`, its path
   * resolved once when `watch` is set.
   */
  readonly store: PersonaStore | undefined;
  /**
   * Shorthand for `store: fileStore({ path })`: a fixed pool file. Default: the path the Python original
   * resolves (`DECNET_REALISM_PERSONAS`, `/etc/decnet/email_personas.json`, `~/.decnet/email_personas.json`).
   * Not with `store`.
   */
  readonly path: string | undefined;
  /** The language of personas without one. Default `en`. */
  readonly languageDefault: string;
  /** The most personas `replace` accepts. Default 10,000. */
  readonly maxPersonas: number;
  /** Larger content is not read (a `TOO_LARGE` problem). Default 16 MiB. */
  readonly maxBytes: number;
  /** How many replaced versions the store's history keeps. Default 20; 0 keeps none. */
  readonly historyLimit: number;
  /**
   * Watch mode: cache hits are answered from memory, with no call to the store, while the store's
   * watch vouches for them. Default `false`: each read asks the store (the file store: one `stat`).
   * See docs/pool.md, "Watch mode".
   */
  readonly watch: boolean;
}

/** The defaults of {@link PersonaPoolOptions}. */
export const POOL_DEFAULTS = {
  store: undefined,
  path: undefined,
  languageDefault: 'en',
  maxPersonas: 10_000,
  maxBytes: 16 * 1024 * 1024,
  historyLimit: 20,
  watch: false,
} as const satisfies PersonaPoolOptions;

const WHOLE_NUMBERS = ['maxPersonas', 'maxBytes', 'historyLimit'] as const;

function invalid(message: string): PersonaPoolError {
  return new PersonaPoolError('INVALID_OPTION', `PersonaPool option ${message}`);
}

function checkOptions(options: PersonaPoolOptions): PersonaPoolOptions {
  for (const key of WHOLE_NUMBERS) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 0) throw invalid(`${key} must be a whole number ≥ 0, got ${String(options[key])}`);
  }
  if (typeof options.languageDefault !== 'string' || options.languageDefault === '') throw invalid('languageDefault must be a non-empty string');
  if (typeof options.watch !== 'boolean') throw invalid(`watch must be a boolean, got ${String(options.watch)}`);
  const { store, path } = options;
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.read !== 'function' || typeof store.replace !== 'function')) {
    throw invalid('store must be a PersonaStore (an object with read, replace, history and readVersion): see docs/stores.md');
  }
  if (path !== undefined && (typeof path !== 'string' || path === '')) throw invalid('path must be a non-empty string');
  if (path !== undefined && store !== undefined) throw invalid('path is a shorthand for store: fileStore({ path }): give one or the other');
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
  // A file option left from before 0.x (lockWaitMs, env...) would be ignored in silence: refused instead.
  checkOptionsObject(options, 'PersonaPool');
  const unknown = Object.keys(options).find((key) => key !== '__proto__' && !Object.hasOwn(POOL_DEFAULTS, key));
  if (unknown !== undefined) throw invalid(`${unknown} is unknown: file options (env, envVar, systemPath, userPath, lockStaleMs, lockWaitMs) belong to fileStore(), given as store`);
  return checkOptions(withDefaults<PersonaPoolOptions>(POOL_DEFAULTS, options, 'PersonaPool'));
}
