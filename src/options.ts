/**
 * What a caller may pass as options of type `T`: any subset of them, where an option set to
 * `undefined` means its default, exactly as if it were absent. Hosts can thus pass their own
 * configuration through (`{ maxBytes: config.maxBytes }`), with or without TypeScript's
 * `exactOptionalPropertyTypes`.
 *
 * @example
 * ```ts
 * const options: OptionsInput<PersonaPoolOptions> = { maxBytes: process.env.MAX_BYTES ? Number(process.env.MAX_BYTES) : undefined };
 * const pool = new PersonaPool(options); // maxBytes is 16 MiB unless MAX_BYTES is set
 * ```
 */
export type OptionsInput<T> = { readonly [K in keyof T]?: T[K] | undefined };

import { PersonaPoolError } from './errors.js';

/**
 * Throws unless `options` is an object of options (not null, a list or a primitive).
 *
 * @param options - What the caller passed.
 * @param owner - Whose options they are, for the message (`PersonaPool`, `fileStore`).
 * @throws {PersonaPoolError} `INVALID_OPTION`.
 */
export function checkOptionsObject(options: unknown, owner: string): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'a list' : typeof options;
    throw new PersonaPoolError('INVALID_OPTION', `${owner} takes an object of options, got ${got}: pass { ... } or nothing`);
  }
}

/**
 * The defaults, then every option the caller set to something other than `undefined`.
 * Keys are copied as data (a `__proto__` key from parsed JSON sets no prototype).
 *
 * @param defaults - Every option's default.
 * @param options - What the caller passed; `undefined` values are dropped.
 * @param owner - Whose options they are, for the message of a non-object.
 * @returns A new object: the complete options, still to be checked.
 * @throws {PersonaPoolError} `INVALID_OPTION` when `options` is not an object.
 */
export function withDefaults<T extends object>(defaults: T, options: OptionsInput<T>, owner: string): T {
  checkOptionsObject(options, owner);
  const set = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...defaults, ...set } as T;
}
