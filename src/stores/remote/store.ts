import { logger } from '../../log.js';
import { PersonaPoolError } from '../../errors.js';
import { ABSENT_VERSION, versionOf } from '../../version.js';
import type { HistoryEntry, PersonaStore, StoreChange, StoreRead, StoreReadOptions, StoreReplaceOptions, StoreWatch, StoreWatchListener, StoreWritten } from '../types.js';
import { answerError, BYTES_TYPE, etagVersion, problemOf } from './answer.js';
import { CacheFile } from './cache.js';
import { RemoteHttp, type Answer } from './http.js';
import { remoteOptions, type RemoteStoreInput } from './options.js';
import { RemotePoll } from './poll.js';

const log = logger('persona-pool:remote');

/** The tag of a read of the remote store: the API's ETag (the version), `absent` for no pool. */
export type RemoteTag = string;

/** A tag no answer carries: the next read asks for the whole content (after the cache was served, or a write the API stored otherwise). */
const UNTRUSTED = '\0untrusted';
/** How many times a write re-reads and runs the change again after a 412 before `CONFLICT`. */
export const WRITE_RETRIES = 15;
/** The first wait before a retry, in ms; it doubles at each retry (to 1 s), with full jitter, so racing writers spread out. */
const RETRY_START_MS = 10;

/**
 * A persona pool followed over HTTP, through the API of `createPersonasHandler` (any host serving it):
 * reads are conditional GETs of the stored bytes, writes compare-and-swap PUTs, the watch one long
 * poll. Made by {@link remoteStore}; see docs/stores.md.
 */
export class RemoteStore implements PersonaStore<RemoteTag> {
  readonly #http: RemoteHttp;
  readonly #cache: CacheFile | undefined;
  readonly #poll: RemotePoll;
  /** `remote:<url without credentials, query or fragment>`. */
  readonly location: string;

  /**
   * @param input - See {@link RemoteStoreOptions}.
   * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
   */
  constructor(input: RemoteStoreInput) {
    const { parsed, ...options } = remoteOptions(input);
    this.#http = new RemoteHttp(options, parsed);
    this.location = `remote:${this.#http.where}`;
    this.#cache = options.cacheFile === undefined ? undefined : new CacheFile(options.cacheFile, this.#http.where);
    this.#poll = new RemotePoll(this.#http, options.waitSeconds, options.timeoutMs);
  }

  /**
   * One conditional GET of the stored bytes, or none where the long poll's last answer will do (see
   * `RemotePoll.latest`). When the API cannot be reached (or answers what cannot
   * be used) and a `cacheFile` holds a last known good content, that content, with the problem `CACHED`.
   *
   * @param since - The version the pool holds, or undefined.
   * @param options - `maxBytes`.
   * @returns What was found.
   * @throws {PersonaPoolError} `ACCESS_DENIED` (401/403); `STORE_UNAVAILABLE` when unreachable without a cache.
   */
  async read(since: RemoteTag | undefined, options: StoreReadOptions): Promise<StoreRead<RemoteTag>> {
    const kept = this.#poll.latest(options.watched === true);
    try {
      return await this.#readLive(since, options.maxBytes, kept);
    } catch (error) {
      if (kept !== undefined) this.#poll.forget(); // the next read asks again
      if (!(error instanceof PersonaPoolError) || error.code !== 'STORE_UNAVAILABLE') throw error;
      const cached = this.#cache?.load();
      if (cached === undefined) throw error;
      log('%s: serving the cache file: %s', this.location, error.message);
      if (since === UNTRUSTED) return { kind: 'unchanged' };
      const message = `${error.message}; meanwhile serving the last known good content of ${this.location}, received ${cached.savedAt}`;
      return { kind: 'content', bytes: cached.bytes, tag: UNTRUSTED, problem: { code: 'CACHED', message } };
    }
  }

  /**
   * Compare-and-swap: reads the content, calls `change` with it, and PUTs the personas with `If-Match`
   * its version; on 412 (another writer came first) waits a little (jittered, doubling from 10 ms),
   * reads again and calls `change` again, up to 15 times, then `CONFLICT`. The API stores its own serialization of the personas:
   * what a pool writes comes back byte for byte.
   *
   * @param _since - Unused: every attempt reads the whole content.
   * @param change - The pool's check and change.
   * @param options - `maxBytes` (`historyLimit` is the API's own).
   * @returns The location and the new version.
   * @throws {PersonaPoolError} `CONFLICT`, `ACCESS_DENIED`, `NOT_A_LIST`, `WRITE_FAILED`, `STORE_UNAVAILABLE`; whatever `change` throws.
   */
  async replace(_since: RemoteTag | undefined, change: StoreChange<RemoteTag>, options: StoreReplaceOptions): Promise<StoreWritten<RemoteTag>> {
    for (let attempt = 0; attempt <= WRITE_RETRIES; attempt++) {
      this.#poll.forget();
      const current = await this.#readLive(undefined, options.maxBytes, undefined);
      const write = await change(current);
      const ifMatch = current.kind === 'missing' ? ABSENT_VERSION : current.kind === 'problem' ? current.version : current.kind === 'content' ? current.tag : ABSENT_VERSION;
      const body = `{"personas":${listText(write.bytes, this.location)}}`;
      const answer = await this.#http.send({ method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': `"${ifMatch}"` }, body });
      if (answer.status === 412) {
        log('%s: changed during the write (attempt %d), reading again', this.location, attempt + 1);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, RETRY_START_MS * 2 ** attempt)));
        continue;
      }
      this.#poll.forget(); // a poll answered before this write is older than it
      if (answer.status !== 200) throw answerError(this.#http.where, answer, true);
      const version = etagVersion(answer.headers);
      const vouched = version === versionOf(write.bytes); // else the API stored its own serialization: read it again
      if (vouched) await this.#cache?.save(write.bytes, version);
      return { location: this.location, tag: vouched ? version : UNTRUSTED };
    }
    throw new PersonaPoolError('CONFLICT', `The persona pool ${this.location} changed during each of ${WRITE_RETRIES + 1} attempts to write it: other writers are busy, try again later`);
  }

  /**
   * `GET <url>/history`, where the API offers it. Never fails: an API without history (404, 405) or
   * unreachable lists none (logged through `debug`, `persona-pool:remote`).
   *
   * @returns `{ version, savedAt, count }` of each version the API keeps, newest first.
   */
  async history(): Promise<readonly HistoryEntry[]> {
    try {
      const answer = await this.#http.send({ method: 'GET', suffix: '/history', headers: { accept: 'application/json' } });
      if (answer.status === 404 || answer.status === 405) throw new Error(`the API does not list history (${answer.status}): restore on its host`);
      if (answer.status !== 200) throw answerError(this.#http.where, answer, false);
      const { history } = JSON.parse(Buffer.from(answer.bytes).toString('utf8')) as { history?: unknown };
      if (!Array.isArray(history)) throw new Error('no history list in its answer');
      return history.filter(isEntry).map(({ version, savedAt, count }) => ({ version, savedAt, count }));
    } catch (error) {
      log('history of %s not listed: %s', this.location, (error as Error).message);
      return [];
    }
  }

  /**
   * The remote store cannot read past versions over HTTP: restore on the API (`POST <url>/restore`,
   * or `persona-pool restore` on its host).
   *
   * @param version - A version.
   * @returns Never.
   * @throws {PersonaPoolError} `UNKNOWN_VERSION`, always.
   */
  async readVersion(version: string): Promise<Uint8Array> {
    throw new PersonaPoolError('UNKNOWN_VERSION', `The remote store ${this.location} does not read past versions (${version}): restore it on the API's host (persona-pool restore) or through the API`);
  }

  /**
   * Watches through the store's one long poll (started by the first watch, stopped with the last).
   *
   * @param listener - Told of each new version, and after each recovery.
   * @returns The watch: healthy while the poll answers.
   */
  watch(listener: StoreWatchListener): StoreWatch {
    return this.#poll.watch(listener);
  }

  /**
   * Starts the long poll now and waits for its first answer, so that a watch made afterwards vouches
   * from its first read. It runs until {@link RemoteStore.close}.
   *
   * @returns Once the API answered, or failed to.
   */
  listen(): Promise<void> {
    return this.#poll.hold();
  }

  /**
   * Stops the long poll (ending every watch's vouching). Idempotent.
   *
   * @returns Once stopped.
   */
  async close(): Promise<void> {
    this.#poll.stop();
  }

  /** A read: the long poll's `kept` answer, else a conditional GET. */
  async #readLive(since: RemoteTag | undefined, maxBytes: number, kept: Answer | undefined): Promise<StoreRead<RemoteTag>> {
    const conditional = since !== undefined && since !== UNTRUSTED;
    const headers: Record<string, string> = { accept: BYTES_TYPE };
    if (conditional) headers['if-none-match'] = `"${since}"`;
    const answer = kept ?? (await this.#http.send({ method: 'GET', headers }));
    const version = etagVersion(answer.headers);
    if ((answer.status === 304 || (kept !== undefined && version === since)) && conditional) return { kind: 'unchanged' };
    if (answer.status === 204 && version === ABSENT_VERSION) return { kind: 'missing', tag: ABSENT_VERSION };
    if (answer.status === 409 && version !== undefined) return { kind: 'problem', problem: problemOf(answer, this.#http.where), version, tag: version };
    if (answer.status !== 200 && answer.status !== 304) throw answerError(this.#http.where, answer, false);
    const read = this.#content(answer, version, maxBytes);
    // On disk before the read returns: a worker restarted at once finds the version it served.
    if (read.kind === 'content') await this.#cache?.save(read.bytes, read.tag);
    return read;
  }

  #content(answer: Answer, version: string | undefined, maxBytes: number): StoreRead<RemoteTag> {
    const where = this.#http.where;
    if (answer.status === 304) throw unusable(`The persona API ${where} answered 304 to a request without If-None-Match`);
    if (!(answer.headers.get('content-type') ?? '').startsWith(BYTES_TYPE)) {
      throw unusable(`The persona API ${where} does not serve the stored bytes (Accept: ${BYTES_TYPE}): upgrade persona-pool on the API's host`);
    }
    if (version === undefined || versionOf(answer.bytes) !== version) throw unusable(`The persona API ${where} sent content that does not match its ETag: check the API and any proxy before it`);
    if (answer.bytes.byteLength > maxBytes) {
      const message = `The persona pool ${this.location} holds ${answer.bytes.byteLength} bytes, over maxBytes (${maxBytes}): raise maxBytes or replace it`;
      return { kind: 'problem', problem: { code: 'TOO_LARGE', message }, version, tag: version };
    }
    return { kind: 'content', bytes: answer.bytes, tag: version };
  }
}

function unusable(message: string): PersonaPoolError {
  log('%s', message);
  return new PersonaPoolError('STORE_UNAVAILABLE', message);
}

/** The JSON list of the bytes to write, as text; `NOT_A_LIST` when they are not one (the API stores lists only). */
function listText(bytes: Uint8Array, location: string): string {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    if (Array.isArray(JSON.parse(text))) return text;
  } catch {
    // reported below
  }
  throw new PersonaPoolError('NOT_A_LIST', `The remote store ${location} writes JSON lists of personas only (the API stores its own serialization of them)`);
}

function isEntry(value: unknown): value is HistoryEntry {
  const entry = value as Partial<HistoryEntry> | null;
  return typeof entry?.version === 'string' && typeof entry.savedAt === 'string' && typeof entry.count === 'number';
}
