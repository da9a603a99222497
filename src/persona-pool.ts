import type { PersonaPoolOptions } from './pool/pool-options.js';
import { StorePool } from './pool/pool.js';
import type { OptionsInput } from './options.js';
import { PersonaPoolError } from './errors.js';
import { FileStore, fileStore } from './stores/file/store.js';
import type { PersonaStore } from './stores/types.js';

// The pool (src/pool/) knows no kind of store; this module gives it the file store as its default.

function defaultFileStore({ path, watch }: PersonaPoolOptions): PersonaStore {
  // A watch watches one file: in watch mode the path is resolved once, here.
  return fileStore({ path, resolveOnce: watch });
}

/**
 * The persona pool: cached reads that cost one `stat` when nothing changed (no syscall in watch
 * mode, `{ watch: true }`), locked, atomic, durable writes, versions kept for `restore()`, and
 * subscriptions to its changes. Pools share no state; use one per location. The pool lives in a
 * file (`fileStore()`, found as the Python original finds it, or `path`) unless the `store` option
 * puts it elsewhere (see docs/stores.md); every method works on any store.
 *
 * @example
 * ```ts
 * const pool = new PersonaPool(); // DECNET_REALISM_PERSONAS, else /etc/decnet/…, else ~/.decnet/…
 * const personas = await pool.load(); // on every tick: one stat when the file is unchanged
 * await pool.replace([{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' }]);
 * ```
 */
export class PersonaPool extends StorePool {
  readonly #fileStore: FileStore | undefined;

  /**
   * A pool on the store `options.store`, else on the file store (`path`, or the path the original resolves).
   *
   * @param options - Any of {@link PersonaPoolOptions}, each `undefined` meaning its default; checked once, here.
   * In watch mode, the file store's path is resolved here, once, and the watch starts.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  constructor(options: OptionsInput<PersonaPoolOptions> = {}) {
    const made: { store?: PersonaStore } = {};
    super(options, (checked) => (made.store = defaultFileStore(checked)));
    const store = made.store ?? options.store;
    this.#fileStore = store instanceof FileStore ? store : undefined;
  }

  /**
   * The pool file of a file pool: its `location`, resolved as the Python original resolves it (the
   * variable if set and not blank; else the system path if it exists; else the system path if its
   * folder is writable; else the user path). It writes nothing. A pool on another store has no
   * path: use {@link StorePool.location}.
   *
   * @returns The path.
   * @throws {PersonaPoolError} `NOT_A_FILE_POOL` (400) when the pool's store is not a file store.
   */
  resolvePath(): string {
    if (this.#fileStore === undefined) {
      throw new PersonaPoolError('NOT_A_FILE_POOL', `The persona pool ${this.location} is not a file, so it has no path: use pool.location`);
    }
    return this.#fileStore.location;
  }
}
