import { etagOf, headerValue, JSON_TYPE, taggedVersions, type RequestHeaders } from './headers.js';
import { Holds, type ChangeSource, type Respond } from './holds.js';
import { holdFor } from './wait.js';
import type { PersonasRequest, PersonasResponse, PoolAccess } from './types.js';
import type { PoolSnapshot } from '../pool/snapshot.js';

const NO_CACHE = 'no-cache';

/** Makes the GET body of a snapshot, for a handler that serves another shape (the named pools'). */
export type Shape = (snapshot: PoolSnapshot) => unknown;
const IF_NONE_MATCH = 'if-none-match';

/** What GET answers from one snapshot, made once per snapshot object. */
interface Reply {
  /** The ETag of its version. */
  readonly etag: string;
  /** The `If-None-Match` values that match without parsing: the ETag, the weak ETag, `*`. */
  readonly matches: readonly string[];
  /** The GET body, serialized and encoded on the first GET that needs it. */
  body: Buffer | undefined;
  /** The last `If-None-Match` value found not to list the version: the held requests a version releases mostly send the same. */
  unlisted?: string;
}

/** The pool's snapshot taken for the GETs of one turn of the event loop: pending until the pool answers, then held. */
interface TickSnapshot {
  readonly pending: Promise<PoolSnapshot>;
  snapshot?: PoolSnapshot;
  reply?: Reply;
}

/**
 * Whether node's `req.headers` (or any record) has `If-None-Match` as one of the exact forms of
 * the ETag. A `true` is final: a header listing a matching tag matches whatever else is listed.
 */
function matchesWhole(headers: RequestHeaders | undefined, reply: Reply): boolean {
  if (headers === undefined || headers === null || typeof headers.get === 'function') return false;
  const value = (headers as Readonly<Record<string, unknown>>)[IF_NONE_MATCH];
  return typeof value === 'string' && reply.matches.includes(value) && Object.hasOwn(headers, IF_NONE_MATCH);
}

/** Whether `If-None-Match` lists the version, any form, any header spelling. */
function listsVersion(headers: RequestHeaders | undefined, version: string, reply: Reply): boolean {
  const header = headerValue(headers, IF_NONE_MATCH);
  if (header === undefined || header === reply.unlisted) return false;
  if (reply.matches.includes(header)) return true;
  const known = taggedVersions(header);
  const listed = known.includes('*') || known.includes(version);
  if (!listed) reply.unlisted = header;
  return listed;
}

/** The GET body of a snapshot, serialized once (HEAD and 304 never serialize it). */
function listBody(snapshot: PoolSnapshot, reply: Reply, shape: Shape | undefined): Buffer {
  if (reply.body === undefined) {
    const { path, personas, version, problem } = snapshot;
    reply.body = Buffer.from(JSON.stringify(shape === undefined ? { path, personas, version, problem } : shape(snapshot)));
  }
  return reply.body;
}

/** The GET/HEAD answer from a snapshot: 304 when `If-None-Match` lists its version. */
function answer(snapshot: PoolSnapshot, reply: Reply, request: PersonasRequest, shape?: Shape): PersonasResponse {
  const { etag } = reply;
  const { headers } = request;
  if (matchesWhole(headers, reply) || listsVersion(headers, snapshot.version, reply)) {
    return { status: 304, headers: { etag, 'cache-control': NO_CACHE }, body: null };
  }
  const body = request.method === 'HEAD' ? null : listBody(snapshot, reply, shape);
  return { status: 200, headers: { 'content-type': JSON_TYPE, etag, 'cache-control': NO_CACHE }, body };
}

/** A reply made for a snapshot, without a lookup: the same snapshot object comes back while the pool is unchanged. */
function newReply(snapshot: PoolSnapshot): Reply {
  const { version } = snapshot;
  const etag = etagOf(version);
  // A version with a comma (or an empty one) is not one tag once unquoted: parse it as before.
  const matches = version === '' || version.includes(',') ? ['*'] : [etag, `W/${etag}`, '*'];
  return { etag, matches, body: undefined };
}

/**
 * The GETs of one handler, coalesced: the first GET of a turn of the event loop takes the pool's
 * snapshot (one `stat`), and the GETs that arrived with it in the same turn share it. Every request
 * read in this turn arrived before the snapshot was taken, so a change completed before a request
 * arrived is always seen; under load, one `stat` serves many requests. Each handler has its own:
 * two handlers share nothing.
 */
export class CoalescedGets {
  readonly #pool: PoolAccess;
  readonly #shape: Shape | undefined;
  /** The ETag and body of each snapshot served, made once per snapshot object. */
  readonly #replies = new WeakMap<PoolSnapshot, Reply>();
  #current: TickSnapshot | undefined;
  /** The GETs this handler holds (long polling), made at the first: one subscription to the pool, one timer. */
  #holds: Holds | undefined;
  /** The answer to a snapshot, shared by every request of this handler (a held one keeps no closure). */
  readonly #respond: Respond<PersonasRequest, PersonasResponse> = (snapshot, request) => answer(snapshot, this.#replyOf(snapshot), request, this.#shape);

  /**
   * @param pool - The pool the handler serves.
   * @param shape - Makes the GET body (the named pools'); undefined: `{ path, personas, version, problem }`.
   */
  constructor(pool: PoolAccess, shape: Shape | undefined) {
    this.#pool = pool;
    this.#shape = shape;
  }

  /** The GETs this handler holds; its own, never shared with another handler. */
  get holds(): Holds {
    return (this.#holds ??= new Holds(this.#pool as ChangeSource));
  }

  /**
   * Answers a GET or HEAD (the role already checked) from the pool as of this turn of the event
   * loop; a 304 asked to wait (`Prefer: wait=N`) is held until the version changes.
   *
   * @param request - The request.
   * @param maxWait - The longest hold of a GET asked to wait, in seconds; 0: never hold.
   * @param onError - The answer to what the pool's `snapshot()` rejects with.
   * @returns The answer itself once this turn's snapshot is in and it is not held; else a promise of
   * it, which never rejects (one promise per request, the one a held request keeps).
   */
  answer(request: PersonasRequest, maxWait: number, onError: (error: unknown) => PersonasResponse): PersonasResponse | Promise<PersonasResponse> {
    const tick = this.#tick();
    const { snapshot } = tick;
    if (snapshot !== undefined) {
      tick.reply ??= this.#replyOf(snapshot);
      const response = answer(snapshot, tick.reply, request, this.#shape);
      if (holdFor(this.#pool, request, maxWait, response) === 0) return response;
    }
    return new Promise((resolve) => {
      const failed = (error: unknown): void => resolve(onError(error));
      const answered = (taken: PoolSnapshot): void => {
        try {
          const response = this.#respond(taken, request);
          const seconds = holdFor(this.#pool, request, maxWait, response);
          if (seconds === 0) resolve(response);
          else this.holds.enter(this.#respond, request, seconds, request.signal, resolve, failed);
        } catch (error) {
          failed(error);
        }
      };
      if (snapshot === undefined) tick.pending.then(answered, failed);
      else answered(snapshot);
    });
  }

  /** Ends the current turn's snapshot (after a write), so that the next GET takes a new one. */
  forget(): void {
    this.#current = undefined;
  }

  #tick(): TickSnapshot {
    let tick = this.#current;
    if (tick === undefined) {
      const started: TickSnapshot = { pending: Promise.resolve(this.#pool.snapshot()) };
      started.pending.then((snapshot) => (started.snapshot = snapshot), () => undefined);
      this.#current = started;
      setImmediate(() => {
        if (this.#current === started) this.#current = undefined;
      });
      tick = started;
    }
    return tick;
  }

  #replyOf(snapshot: PoolSnapshot): Reply {
    let reply = this.#replies.get(snapshot);
    if (reply === undefined) {
      reply = newReply(snapshot);
      this.#replies.set(snapshot, reply);
    }
    return reply;
  }
}
