import type { RequestHeaders } from './headers.js';
import type { StorePool } from '../pool/pool.js';
import type { PoolUser } from './roles.js';

/**
 * The part of a `PersonaPool` the HTTP core uses: `snapshot` and `replace`, and `changes` to
 * hold a GET asked to wait (`Prefer: wait=N`); without `changes`, such a GET is answered at once.
 * `history` and `restore` serve the `history` and `restore` resources: without them, the history is
 * empty and a restore is answered 404 `UNKNOWN_VERSION`.
 */
export type PoolAccess = Pick<StorePool, 'snapshot' | 'replace'> & Partial<Pick<StorePool, 'changes' | 'history' | 'restore'>>;

/** What `replacePersonas` needs. */
export interface ReplacePersonasRequest {
  readonly pool: PoolAccess;
  /** The user object of the host's own authentication; null or undefined for anonymous. */
  readonly user: unknown;
  /** The request body, already parsed: `{ "personas": [...] }`. */
  readonly body: unknown;
  /** Write only if the pool's current `version` is this one (the unquoted ETag). */
  readonly ifMatch?: string | undefined;
  /** Who writes, for the history's `by`; default: the user's `username`, `name`, `email` or `id`. */
  readonly by?: string | undefined;
}

/** Options of `createPersonasHandler`; an option left out or `undefined` takes its default. */
export interface PersonasHandlerOptions {
  /** The pool to serve. */
  readonly pool: PoolAccess;
  /** Answer 428 to a PUT without `If-Match`. Default `false`, so dashboards that never send it keep working. */
  readonly requireIfMatch?: boolean | undefined;
  /**
   * The most bytes a PUT body read from `rawBody` may have; more is answered 413. Default 16 MiB,
   * the pool's own default `maxBytes`. A body passed already parsed (`body`) is the host's to cap.
   */
  readonly maxBodyBytes?: number | undefined;
  /**
   * The longest a GET with `If-None-Match` and `Prefer: wait=N` is held while the pool is unchanged,
   * in seconds (a whole number up to 2,147,483). Default 30; 0 answers every GET at once.
   */
  readonly maxWaitSeconds?: number | undefined;
  /**
   * Who a user is, for the `by` of the history (who replaced each version): default, the first of the
   * user's `username`, `name`, `email` and `id` that is a non-empty string or a number. Cut to 64 bytes.
   */
  readonly userName?: ((user: PoolUser) => string | number | undefined) | undefined;
}

/**
 * A request body as the host receives it, unread: node's `req` (any async iterable of bytes), a
 * fetch body (`ReadableStream`, or null for none), or bytes already read.
 */
export type RawBody = Uint8Array | AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array> | null;

/** One request, as the host's framework has it. */
export interface PersonasRequest {
  /** The HTTP method, upper-case, as node and fetch give it. */
  readonly method: string;
  /**
   * What is asked for: `personas` (default; GET, HEAD, PUT), `history` (GET, HEAD: the versions kept)
   * or `restore` (POST `{ "version" }`). Anything else is answered 404 `Not found`.
   */
  readonly resource?: string | undefined;
  /** The user object of the host's own authentication; null or undefined for anonymous. */
  readonly user: unknown;
  /** The body, already parsed as JSON by the host; read for PUT only, and only when `rawBody` is undefined. */
  readonly body?: unknown;
  /**
   * The body unread, for the handler to read on a PUT from an admin: it checks the `Content-Type`
   * (415), caps the size at `maxBodyBytes` (413), and decodes strict UTF-8 and JSON (400). When
   * given (even null), `body` is ignored.
   */
  readonly rawBody?: RawBody | undefined;
  /** node's `req.headers` (names in any case) or a fetch `Headers` object. */
  readonly headers?: RequestHeaders | undefined;
  /** Aborted when the client goes away: ends the hold of a GET asked to wait, which is then answered 304. */
  readonly signal?: AbortSignal | undefined;
}

/** The answer to send: header names lower-case; `body` the JSON bytes (UTF-8), or null for none (304, HEAD). */
export interface PersonasResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The headers to send, names lower-case; a fresh object the host may add to. */
  readonly headers: Record<string, string>;
  /**
   * The JSON to send, as UTF-8 bytes (a `Buffer`), or null for no body (304, HEAD). Bytes, not text,
   * so a host sends the GET body of an unchanged pool without encoding it again on every request.
   */
  readonly body: Buffer | null;
}

/** A handler made by `createPersonasHandler`. It never rejects. */
export type PersonasHandler = (request: PersonasRequest) => Promise<PersonasResponse>;
