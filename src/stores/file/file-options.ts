import { homedir } from 'node:os';
import { join } from 'node:path';
import { PersonaPoolError } from '../../errors.js';
import { withDefaults, type OptionsInput } from '../../options.js';

/** Options of {@link fileStore}: every file concern of a pool (path resolution, lock timings, when to resolve). */
export interface FileStoreOptions {
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
  /** A lock not refreshed for this long is taken over. Default 10,000 ms. */
  readonly lockStaleMs: number;
  /** How long a writer waits for another's lock. Default 15,000 ms. */
  readonly lockWaitMs: number;
  /**
   * Resolve the path once, when the store is made, rather than at each call. Default `false`; a pool
   * in watch mode makes its own store with it set, and a store given to a watching pool should have it
   * (or a `path`), since the watch watches one file.
   */
  readonly resolveOnce: boolean;
}

/** The defaults of {@link FileStoreOptions} but `env` (`process.env`) and `userPath` (`~/.decnet/email_personas.json`). */
export const FILE_STORE_DEFAULTS = {
  path: undefined,
  envVar: 'DECNET_REALISM_PERSONAS',
  systemPath: '/etc/decnet/email_personas.json',
  lockStaleMs: 10_000,
  // Longer than lockStaleMs, so a crashed writer's lock is always taken over in time.
  lockWaitMs: 15_000,
  resolveOnce: false,
} as const satisfies Omit<FileStoreOptions, 'env' | 'userPath'>;

/**
 * The options of a file store: the defaults, then `options`, checked once.
 *
 * @param options - What the caller set; `undefined` means the default.
 * @returns The complete options.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
 */
export function fileStoreOptions(options: OptionsInput<FileStoreOptions>): FileStoreOptions {
  const userPath = join(homedir(), '.decnet', 'email_personas.json');
  const checked = withDefaults<FileStoreOptions>({ ...FILE_STORE_DEFAULTS, env: process.env, userPath }, options, 'fileStore');
  if (checked.path !== undefined && (typeof checked.path !== 'string' || checked.path === '')) {
    throw new PersonaPoolError('INVALID_OPTION', `fileStore option path must be a non-empty string, got ${typeof checked.path}`);
  }
  for (const key of ['lockStaleMs', 'lockWaitMs'] as const) {
    if (!Number.isSafeInteger(checked[key]) || checked[key] < 0) {
      throw new PersonaPoolError('INVALID_OPTION', `fileStore option ${key} must be a whole number ≥ 0, got ${String(checked[key])}`);
    }
  }
  for (const key of ['envVar', 'systemPath', 'userPath'] as const) {
    if (typeof checked[key] !== 'string' || checked[key] === '') {
      throw new PersonaPoolError('INVALID_OPTION', `fileStore option ${key} must be a non-empty string`);
    }
  }
  return checked;
}
