/**
 * One issue found in one persona entry.
 */
export interface PersonaIssue {
  /** The field at fault, dotted (`email`, `mannerisms.3`); empty for the entry itself. */
  readonly path: string;
  /** What is wrong, in words an operator understands. */
  readonly message: string;
}

/**
 * A persona entry that failed validation, with its position in the input list.
 */
export interface RejectedPersona {
  /** Zero-based index of the entry in the input list. */
  readonly index: number;
  /** Every reason the entry was rejected. */
  readonly issues: readonly PersonaIssue[];
}

/** HTTP-style status of every {@link PersonaPoolErrorCode}. */
export const ERROR_STATUS = {
  /** The personas given are not a JSON list. */
  NOT_A_LIST: 400,
  /** A request body that is empty, not UTF-8, or not JSON. */
  INVALID_BODY: 400,
  /** A request body sent with a `Content-Type` that is not JSON (or none). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A request body over the handler's `maxBodyBytes`. */
  BODY_TOO_LARGE: 413,
  /** A non-empty list in which no entry is a valid persona. */
  ALL_INVALID: 400,
  /** More personas than the pool accepts (`maxPersonas`). */
  TOO_MANY: 413,
  /** The pool changed since the version the writer read (`ifMatch`). */
  VERSION_MISMATCH: 412,
  /** A write without the version it replaces, where one is required. */
  PRECONDITION_REQUIRED: 428,
  /** No valid user: the credentials are missing or were not recognized. */
  UNAUTHORIZED: 401,
  /** The user's role does not allow the operation. */
  FORBIDDEN: 403,
  /** The user must change their password before doing anything else. */
  PASSWORD_CHANGE_REQUIRED: 403,
  /** An HTTP method the personas endpoint does not serve. */
  METHOD_NOT_ALLOWED: 405,
  /** Another writer held the pool's lock for the whole wait. */
  LOCKED: 503,
  /** The pool's lock was lost during a write; nothing was written. */
  LOCK_COMPROMISED: 503,
  /** The pool file could not be written (permissions, full disk, ...); 409 where the path is not a regular file. */
  WRITE_FAILED: 500,
  /** `restore()` of a version the pool's history does not keep. */
  UNKNOWN_VERSION: 404,
  /** A named pool the host's `resolve` does not know (`createPoolsHandler`). */
  UNKNOWN_POOL: 404,
  /** A named pool's id that the host's `resolve` refused (it threw an error other than a `PersonaPoolError`). */
  INVALID_POOL_ID: 400,
  /** `restore()` of a version the history keeps but that cannot be read (permissions, not a file, too large). */
  VERSION_UNREADABLE: 500,
  /** A malformed option: a programming or configuration error. */
  INVALID_OPTION: 500,
  /** `loadSync()`/`snapshotSync()` on a store that cannot read synchronously (and no watch vouching for a snapshot held): use `load()`/`snapshot()`. */
  SYNC_UNSUPPORTED: 500,
  /** A store broke the `PersonaStore` contract (a bug of that store, found by the pool); nothing was written. */
  STORE_CONTRACT: 500,
  /** `resolvePath()` of a pool whose store is not a file store: use `location`. */
  NOT_A_FILE_POOL: 500,
  /** The store cannot be reached (a database down, a refused login, a lost connection); nothing was read or written. Its message never holds a secret. */
  STORE_UNAVAILABLE: 503,
  /** A remote store's API refused the credentials (401) or the role (403): its status is kept. The message names no secret. */
  ACCESS_DENIED: 403,
  /** A remote store's compare-and-swap write lost to other writers at every retry: try again later. */
  CONFLICT: 409,
} as const satisfies Record<string, number>;

/**
 * Stable machine-readable code of a {@link PersonaPoolError}. Match on it, never on the message.
 */
export type PersonaPoolErrorCode = keyof typeof ERROR_STATUS;

/**
 * The one error class of persona-pool. Its `code` is stable, its `status` is the HTTP status a
 * server should answer with, and its message tells an operator what to do.
 *
 * @example
 * ```ts
 * try {
 *   await pool.replace(entries);
 * } catch (error) {
 *   if (error instanceof PersonaPoolError && error.code === 'ALL_INVALID') {
 *     console.error(error.rejected);
 *   }
 * }
 * ```
 */
export class PersonaPoolError extends Error {
  /** Stable machine-readable code. */
  readonly code: PersonaPoolErrorCode;
  /** HTTP-style status: the code's default (see {@link PersonaPoolErrorCode}), unless the thrower gave another. */
  readonly status: number;
  /** The entries that failed validation, where the error is about entries. */
  readonly rejected: readonly RejectedPersona[] | undefined;

  /**
   * Creates the error; `status` follows from `code` unless `options.status` is given.
   *
   * @param code - Stable code; it sets the default `status`.
   * @param message - A message that tells an operator what to do.
   * @param options - The underlying `cause`, the `rejected` entries, where relevant, and a `status`
   *   other than the code's default (`WRITE_FAILED` is 409 where the pool path is not a regular file).
   */
  constructor(
    code: PersonaPoolErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly rejected?: readonly RejectedPersona[]; readonly status?: number } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'PersonaPoolError';
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.rejected = options.rejected;
  }
}

/**
 * Tells whether a value is a {@link PersonaPoolError}, optionally of one code.
 *
 * @param error - Any caught value.
 * @param code - The code to match, if any.
 * @returns `true` when `error` is a `PersonaPoolError` (with that code).
 */
export function isPersonaPoolError(
  error: unknown,
  code?: PersonaPoolErrorCode,
): error is PersonaPoolError {
  return error instanceof PersonaPoolError && (code === undefined || error.code === code);
}
