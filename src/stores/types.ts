// The store seam: what `PersonaPool` needs of the place its content lives (a file, a database row,
// memory). Bytes in, bytes out: the pool parses, validates and computes versions itself; a store keeps
// bytes, tells cheaply whether they changed, and replaces them atomically under its own lock.
// This module imports no runtime code: stores and the pool both depend on it, never on each other.

/** Why the pool yields no personas, so a dashboard can tell an operator. */
export interface PoolProblem {
  /**
   * `INVALID_JSON` (also for empty content), `NOT_A_LIST`, `UNREADABLE` (a permission error, a folder,
   * a named pipe, a socket, a device) or `TOO_LARGE` (over `maxBytes`). Stores report only
   * `UNREADABLE` and `TOO_LARGE`; the pool finds the other two when it parses. `CACHED`: the personas
   * served are a store's last known good copy (the remote store's `cacheFile`), the live pool unreachable.
   */
  readonly code: 'INVALID_JSON' | 'NOT_A_LIST' | 'UNREADABLE' | 'TOO_LARGE' | 'CACHED';
  /** What is wrong and what to do, for an operator; it names the pool's location. */
  readonly message: string;
}

/** One previous version of the pool, as `PersonaPool.history()` lists it. */
export interface HistoryEntry {
  /** The version `snapshot()` reported for that content: pass it to `restore()`. */
  readonly version: string;
  /** When that content was saved to the pool (for the file store, the file's modification time), ISO 8601. */
  readonly savedAt: string;
  /** The number of valid personas in that content. */
  readonly count: number;
  /**
   * Who wrote the version that replaced it (the `by` option of that write: `cli:<login>` for the CLI,
   * the user's id or name over HTTP); absent when that write named no one, and for older entries.
   */
  readonly by?: string;
}

/**
 * What one read of a store found. `Tag` is what the store wants back to answer `unchanged` next time
 * (the file store: the path and the `fstat` of what it read; a database: the row's version); the pool
 * keeps it with its cached snapshot and never looks inside. Where the content lives is the store's
 * `location`, read by the pool after any answer but `unchanged`.
 *
 * - `unchanged`: the content is still the one tagged `since` (only when `since` was given). No bytes.
 * - `missing`: the pool holds nothing yet (no file, no row). Its version is `absent`.
 * - `content`: the bytes, exactly as stored; the pool computes the version (`versionOf(bytes)`) and parses them.
 * - `problem`: the content exists but cannot be used (`UNREADABLE`, `TOO_LARGE`), with a `version` the
 *   store makes up for it (e.g. from its stamp). Without a `tag`, the pool does not cache it and asks
 *   again at the next read.
 */
export type StoreRead<Tag = unknown> =
  | {
      /** The content is still the one tagged `since`. */
      readonly kind: 'unchanged';
    }
  | {
      /** Nothing stored yet. */
      readonly kind: 'missing';
      /** Recognizes this state (nothing stored) at the next read. */
      readonly tag: Tag;
    }
  | {
      /** The content, whole. */
      readonly kind: 'content';
      /** The bytes exactly as stored. */
      readonly bytes: Uint8Array;
      /** Recognizes this content at the next read. */
      readonly tag: Tag;
      /** Optional: `CACHED` when the bytes are a last known good copy; the snapshot reports it if the bytes parse. */
      readonly problem?: PoolProblem;
    }
  | {
      /** Content that cannot be used. */
      readonly kind: 'problem';
      /** `UNREADABLE` or `TOO_LARGE`, with a message for an operator. */
      readonly problem: PoolProblem;
      /** The version the snapshot reports for it (the store's making). */
      readonly version: string;
      /** Recognizes it at the next read; without one the pool does not cache it. */
      readonly tag?: Tag;
    };

/** The limits of a read, set by the pool (its `maxBytes` option). */
export interface StoreReadOptions {
  /** Content larger than this is not read: a `problem` of code `TOO_LARGE`. */
  readonly maxBytes: number;
  /**
   * True when the pool reads in watch mode while this store's watch vouches (after its hint): an
   * answer as fresh as the watch's last word will do (the remote store: the long poll's answer, no
   * request). A store may ignore it.
   */
  readonly watched?: boolean;
}

/** The limits of a replace, set by the pool (its `maxBytes` and `historyLimit` options). */
export interface StoreReplaceOptions extends StoreReadOptions {
  /** How many replaced versions the history keeps (the newest); 0 keeps none and prunes what was kept. */
  readonly historyLimit: number;
}

/** What the history keeps of a content replaced (`StoreWrite.replacing`): its version and its count of valid personas. */
export type StoreKept = NonNullable<StoreWrite['replacing']>;

/** What the pool gives a store to write, from inside {@link PersonaStore.replace}. */
export interface StoreWrite {
  /** The new content, exactly as it is to be stored (canonical JSON text, UTF-8). Its version is `versionOf(bytes)`. */
  readonly bytes: Uint8Array;
  /** How many valid personas `bytes` hold, for the history entry this content will one day become. */
  readonly count: number;
  /**
   * The content being replaced, as the pool read it under the lock, to keep in the history; null when
   * there is nothing to keep (missing, unreadable, too large).
   */
  readonly replacing: Pick<HistoryEntry, 'version' | 'count'> | null;
  /** Who writes this content (the `by` option): kept with the entry of the content it replaces. */
  readonly by?: string | undefined;
}

/**
 * The pool's side of a replace: given the content now in the store, read under the store's lock
 * (`unchanged` when it is still the one tagged `since`), it checks `ifMatch`, runs the caller's change
 * and returns what to write. It runs once per replace. If it throws, the store writes nothing,
 * releases its lock and rethrows the error as it is.
 */
export type StoreChange<Tag = unknown> = (current: StoreRead<Tag>) => Promise<StoreWrite>;

/** What {@link PersonaStore.replace} wrote. */
export interface StoreWritten<Tag = unknown> {
  /** Where it was written (for `ReplaceResult.path`). */
  readonly location: string;
  /** The tag of the new content: a read given it answers `unchanged` until the content changes again. */
  readonly tag: Tag;
}

/** What a store's watch tells the pool. */
export interface StoreWatchListener {
  /**
   * The content may have changed (an event, a notification, a periodic check, a reconnection): the
   * pool stops answering from memory what it read before and reads again. A hint, without payload;
   * calling it when nothing changed costs one read.
   */
  readonly changed: () => void;
  /**
   * The watch can never vouch again, for `reason` (its folder was moved, the file system is remote...):
   * the pool falls back for good to checking the store at each read, and polls for its subscribers.
   */
  readonly failed: (reason: string) => void;
}

/** A running watch, as {@link PersonaStore.watch} returns it. */
export interface StoreWatch {
  /**
   * Whether the watch vouches now: every change made since it last called `changed()` will be told.
   * False while it cannot (e.g. a lost `LISTEN` connection): the pool checks the store at each read.
   * When it can again, the store calls `changed()` (the pool re-reads before trusting it again).
   */
  readonly healthy: boolean;
  /**
   * Optional: resolves once the watch vouches (`healthy`), or once its current attempt to (re)connect
   * has failed; at once when already healthy. Bounded by the store's connect timeout; never rejects.
   * In watch mode, an awaited read of a pool whose watch is not healthy awaits it before reading, so
   * that `loadSync()` answers from memory right after.
   */
  ready?(): Promise<void>;
  /** Stops the watch; idempotent. No listener call follows. */
  close(): void;
}

/**
 * A place where one persona pool lives: the store contract, in full (docs/stores.md links here;
 * `test/stores/contract.ts` proves it for any store). `PersonaPool` reads and writes through it.
 * Bytes in, bytes out: a store keeps the pool's JSON text exactly as written; the pool parses,
 * validates and computes every version (`versionOf(bytes)`), so the same content has the same version
 * in every store. Stores throw only `PersonaPoolError`s (by code: `VERSION_MISMATCH` comes from the
 * pool; `LOCKED`, `LOCK_COMPROMISED`, `WRITE_FAILED`, `UNKNOWN_VERSION`, `VERSION_UNREADABLE`,
 * `STORE_UNAVAILABLE` from stores), and never put a secret (password, connection string) in a message
 * or in `location`. The pool checks each optional method once and degrades as each one says.
 *
 * @typeParam Tag - What the store gives with each read to recognize that content later; opaque to the pool.
 *
 * @example
 * ```ts
 * const pool = new PersonaPool({ store: memoryStore() });
 * await pool.replace([{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' }]);
 * ```
 */
export interface PersonaStore<Tag = unknown> {
  /**
   * Where the pool lives now, without secrets (a file path; `postgres:persona_pools/global`): the
   * snapshot's `path`. It may change between reads (the file store resolves its path at each call).
   */
  readonly location: string;

  /**
   * Reads the content. Given `since` (the tag of the pool's last read), it answers `unchanged` as
   * cheaply as it can (the file store: one `stat`) when the content is still that one. Problems with
   * the content are values, never throws; it throws only when the store itself cannot be reached
   * (`STORE_UNAVAILABLE`). It may answer synchronously (the pool awaits only a promise), which keeps
   * a cache hit free of any asynchronous round trip. A read never sees a mix of two writes.
   *
   * @param since - The tag of the content the pool holds, or undefined for a full read.
   * @param options - `maxBytes`.
   * @returns What was found.
   */
  read(since: Tag | undefined, options: StoreReadOptions): StoreRead<Tag> | Promise<StoreRead<Tag>>;

  /**
   * Optional: {@link PersonaStore.read}, synchronously (the file store). Without it, `loadSync()` and
   * `snapshotSync()` throw `SYNC_UNSUPPORTED` unless a watch vouches for a snapshot held in memory.
   */
  readSync?(since: Tag | undefined, options: StoreReadOptions): StoreRead<Tag>;

  /**
   * Replaces the content atomically, under the store's exclusive lock (the file store: a lock file
   * and a rename; a database: one transaction with a row lock). Under the lock it reads the current
   * content (as `read(since)` would), calls `change` once with it, and writes the bytes it returns;
   * the content replaced goes into the history (as `change` described it, unless null), and the
   * oldest versions past `historyLimit` are pruned. Nothing is written when `change` throws (its error
   * is rethrown as it is) or when the write fails (a typed error: `LOCKED`, `LOCK_COMPROMISED`,
   * `WRITE_FAILED`, `STORE_UNAVAILABLE`). Readers see the old content or the new, never a mix.
   *
   * @param since - The tag of the content the pool holds, or undefined.
   * @param change - The pool's check and change; it returns what to write.
   * @param options - `maxBytes`, `historyLimit`.
   * @returns Where it was written, and the new content's tag.
   */
  replace(since: Tag | undefined, change: StoreChange<Tag>, options: StoreReplaceOptions): Promise<StoreWritten<Tag>>;

  /**
   * The versions the history keeps, newest first. Each replace keeps the content it replaces, as
   * `replacing` describes it, with `savedAt` (when that content was saved: a file's mtime, a row's
   * update time); the same version is not kept twice in a row. Reading it never fails the caller: a
   * history that cannot be listed has no entries (log why).
   *
   * @returns `{ version, savedAt, count }` of each version kept.
   */
  history(): Promise<readonly HistoryEntry[]>;

  /**
   * The bytes of a version the history keeps (the newest kept with that version).
   *
   * @param version - A version listed by {@link PersonaStore.history}.
   * @param options - `maxBytes`.
   * @returns The bytes, exactly as they were stored.
   * @throws {PersonaPoolError} `UNKNOWN_VERSION` (404) when no such version is kept; `VERSION_UNREADABLE`
   *   (500) when it is kept but cannot be read (permissions, too large);
   *   a store may also throw `NOT_A_LIST` for content that is not a JSON list, to name where it lies
   *   (the pool checks it anyway).
   */
  readVersion(version: string, options: StoreReadOptions): Promise<Uint8Array>;

  /**
   * Optional: watches the content for changes from anywhere (other pools, other processes, other
   * hosts). Without it, a pool tells its subscribers of its own writes at once and of others' by
   * polling the store every second, and watch mode answers no read from memory.
   *
   * @param listener - Told of each possible change, and of a failure for good.
   * @returns The running watch; `listener.failed` may already have been called during this call.
   */
  watch?(listener: StoreWatchListener): StoreWatch;

  /**
   * Optional: releases what the store holds (connections, watches). Idempotent. The pool never calls
   * it on a store it was given; whoever made a store closes it.
   *
   * @returns Once released.
   */
  close?(): Promise<void>;
}
