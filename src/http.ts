import createDebug from 'debug';
import { PersonaPoolError } from './errors.js';
import { etagOf, headerValue, JSON_TYPE, taggedVersions, type RequestHeaders } from './http-headers.js';
import { forgetTurn, readThisTurn } from './http-read.js';
import { maxWaitOf } from './http-wait.js';
import type { PersonaPool, ReplaceResult } from './pool.js';
import { requireAdmin, requireViewer, type PoolUser } from './roles.js';
import type { PoolSnapshot } from './snapshot.js';

const log = createDebug('persona-pool:http');

/**
 * The part of a {@link PersonaPool} the HTTP core uses: `snapshot` and `replace`, and `changes` to
 * hold a GET asked to wait (`Prefer: wait=N`); without `changes`, such a GET is answered at once.
 */
export type PoolAccess = Pick<PersonaPool, 'snapshot' | 'replace'> & Partial<Pick<PersonaPool, 'changes'>>;

/** What {@link listPersonas} needs. */
export interface ListPersonasRequest {
  /** The pool. */
  readonly pool: PoolAccess;
  /** The user object of the host's own authentication; null or undefined for anonymous. */
  readonly user: unknown;
}

/** What {@link replacePersonas} needs. */
export interface ReplacePersonasRequest extends ListPersonasRequest {
  /** The request body, already parsed: `{ "personas": [...] }`. */
  readonly body: unknown;
  /** Write only if the pool's current `version` is this one (the unquoted ETag). */
  readonly ifMatch?: string | undefined;
}

/** Options of {@link createPersonasHandler}. */
export interface PersonasHandlerOptions {
  /** The pool to serve. */
  readonly pool: PoolAccess;
  /** Answer 428 to a PUT without `If-Match`. Default `false`, so dashboards that never send it keep working. */
  readonly requireIfMatch?: boolean | undefined;
  /**
   * The longest a GET with `If-None-Match` and `Prefer: wait=N` is held while the pool is unchanged,
   * in seconds (a whole number up to 2,147,483). Default 30; 0 answers every GET at once.
   */
  readonly maxWaitSeconds?: number | undefined;
}

/** One request, as the host's framework has it. */
export interface PersonasRequest {
  /** The HTTP method, upper-case, as node and fetch give it. */
  readonly method: string;
  /** The user object of the host's own authentication; null or undefined for anonymous. */
  readonly user: unknown;
  /** The body, already parsed as JSON by the host; read for PUT only. */
  readonly body?: unknown;
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

/** A handler made by {@link createPersonasHandler}. It never rejects. */
export type PersonasHandler = (request: PersonasRequest) => Promise<PersonasResponse>;

const ALLOW = 'GET, HEAD, PUT';
const NAME_FIELDS = ['username', 'name', 'email', 'id'] as const;

function userLabel(user: PoolUser): string {
  const fields = user as unknown as Readonly<Partial<Record<string, unknown>>>;
  const name = NAME_FIELDS.map((field) => fields[field]).find((value) => typeof value === 'string' || typeof value === 'number');
  return name === undefined ? `(${user.role})` : `${String(name)} (${user.role})`;
}

function personasOf(body: unknown): unknown[] {
  const personas = typeof body === 'object' && body !== null ? (body as { personas?: unknown }).personas : undefined;
  if (!Array.isArray(personas)) throw new PersonaPoolError('NOT_A_LIST', 'body.personas must be a list');
  return personas;
}

/**
 * The pool as it is on disk now, for a viewer or an admin. Always current: each call costs one
 * `stat`, so a change made by another process (a CLI import) shows at once (on a pool in watch mode,
 * no `stat`, and the change shows once its event has been delivered: see docs/pool.md).
 *
 * @param request - The pool and the user.
 * @returns The snapshot: `{ path, personas, version, problem }`.
 * @throws {PersonaPoolError} `UNAUTHORIZED` (401), `PASSWORD_CHANGE_REQUIRED` or `FORBIDDEN` (403).
 *
 * @example
 * ```ts
 * const { personas, problem } = await listPersonas({ pool, user: req.user });
 * ```
 */
export async function listPersonas({ pool, user }: ListPersonasRequest): Promise<PoolSnapshot> {
  requireViewer(user);
  return pool.snapshot();
}

/**
 * Replaces the pool with `body.personas`, for an admin; each write is logged through `debug`
 * (namespace `persona-pool:http`) with the user, the count and the path.
 *
 * @param request - The pool, the user, the parsed body and the expected version, if any.
 * @returns What was written: `{ path, personas, rejected, version }`.
 * @throws {PersonaPoolError} `UNAUTHORIZED` (401), `PASSWORD_CHANGE_REQUIRED` or `FORBIDDEN` (403),
 * `NOT_A_LIST` (400, "body.personas must be a list"), and whatever {@link PersonaPool.replace} throws.
 *
 * @example
 * ```ts
 * const result = await replacePersonas({ pool, user: req.user, body: req.body, ifMatch: version });
 * ```
 */
export async function replacePersonas({ pool, user, body, ifMatch }: ReplacePersonasRequest): Promise<ReplaceResult> {
  const admin = requireAdmin(user);
  const result = await pool.replace(personasOf(body), { ifMatch });
  log('%j replaced %s: %d personas written, %d rejected', userLabel(admin), result.path, result.personas.length, result.rejected.length);
  return result;
}

function jsonResponse(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): PersonasResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

/**
 * An error answer in the wire format, `{ "detail": "..." }`: for what the host answers itself,
 * such as a body over its size limit (413).
 *
 * @param status - The HTTP status.
 * @param detail - What went wrong, for the dashboard.
 * @returns The response to send.
 *
 * @example
 * ```ts
 * send(res, errorResponse(413, 'Request body too large'));
 * ```
 */
export function errorResponse(status: number, detail: string): PersonasResponse {
  return jsonResponse(status, { detail });
}

function failure(error: unknown): PersonasResponse {
  if (!(error instanceof PersonaPoolError)) {
    log('unexpected error: %O', error);
    return errorResponse(500, 'Internal error');
  }
  const { status, message: detail, rejected } = error;
  if (status >= 500) log('%s: %s', error.code, detail);
  return jsonResponse(status, rejected === undefined ? { detail } : { detail, rejected });
}

/** The version `If-Match` asks for: none for `*`; of a list, the current version when listed. */
async function expectedVersion(pool: PoolAccess, tags: readonly string[]): Promise<string | undefined> {
  if (tags.length === 0 || tags.includes('*')) return undefined;
  if (tags.length === 1) return tags[0];
  const { version } = await pool.snapshot();
  return tags.includes(version) ? version : tags[0];
}

async function write(pool: PoolAccess, requireIfMatch: boolean, request: PersonasRequest): Promise<PersonasResponse> {
  const { user, body } = request;
  requireAdmin(user);
  const tags = taggedVersions(headerValue(request.headers, 'if-match'));
  if (requireIfMatch && tags.length === 0) {
    throw new PersonaPoolError('PRECONDITION_REQUIRED', 'If-Match is required: send the ETag of the pool you edited, from its GET');
  }
  const { path, personas, rejected, version } = await replacePersonas({ pool, user, body, ifMatch: await expectedVersion(pool, tags) });
  forgetTurn(pool);
  return jsonResponse(200, { path, personas, rejected, version, problem: null }, { etag: etagOf(version) });
}

/** Checks the handler's options but `maxWaitSeconds` (once per handler, or per call of the one-shot form); returns `requireIfMatch`. */
function checkOptions(options: PersonasHandlerOptions): boolean {
  const pool = options?.pool as Partial<PoolAccess> | undefined;
  if (typeof pool?.snapshot !== 'function' || typeof pool.replace !== 'function') {
    throw new PersonaPoolError('INVALID_OPTION', 'The persona handler needs the option pool, a PersonaPool');
  }
  const requireIfMatch = options.requireIfMatch ?? false;
  if (typeof requireIfMatch !== 'boolean') {
    throw new PersonaPoolError('INVALID_OPTION', `The persona handler option requireIfMatch must be a boolean, got ${String(requireIfMatch)}`);
  }
  return requireIfMatch;
}

/**
 * Makes the handler of `/api/v1/realism/personas`, framework-agnostic: the host passes the method,
 * its user object, the parsed body and the headers, and sends back `{ status, headers, body }`.
 * GET and HEAD need a viewer (or admin), PUT an admin; any other method gets 405. The handler
 * never rejects: errors become `{ "detail": "..." }` with their status, and an unexpected exception
 * a 500 "Internal error" (logged through `debug`, namespace `persona-pool:http`). A GET with a
 * matching `If-None-Match` and `Prefer: wait=N` is held until the pool changes (200) or N seconds
 * pass (304), N capped by `maxWaitSeconds`; the request's `signal` ends the hold. See docs/http.md.
 *
 * @param options - The pool, `requireIfMatch` and `maxWaitSeconds`; checked once, here.
 * @returns The handler.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing pool or a malformed option.
 *
 * @example
 * ```ts
 * const handle = createPersonasHandler({ pool: new PersonaPool() });
 * const { status, headers, body } = await handle({ method: req.method, user, body: req.body, headers: req.headers, signal });
 * res.writeHead(status, headers).end(body ?? undefined);
 * ```
 */
export function createPersonasHandler(options: PersonasHandlerOptions): PersonasHandler {
  const requireIfMatch = checkOptions(options);
  const maxWait = maxWaitOf(options.maxWaitSeconds);
  const { pool } = options;
  return function handlePersonas(request: PersonasRequest): Promise<PersonasResponse> {
    return handle(pool, requireIfMatch, maxWait, request);
  };
}

/** One request, for both forms of the handler; GET is {@link listPersonas} inlined, with no `await`. */
function handle(pool: PoolAccess, requireIfMatch: boolean, maxWait: number, request: PersonasRequest): Promise<PersonasResponse> {
  try {
    const { method } = request;
    if (method === 'GET' || method === 'HEAD') {
      requireViewer(request.user);
      const answer = readThisTurn(pool, request, maxWait);
      return answer instanceof Promise ? answer.catch(failure) : Promise.resolve(answer);
    }
    if (method === 'PUT') return write(pool, requireIfMatch, request).catch(failure);
    return Promise.resolve(jsonResponse(405, { detail: `Method not allowed: use ${ALLOW}` }, { allow: ALLOW }));
  } catch (error) {
    return Promise.resolve(failure(error));
  }
}

/**
 * The one-shot form of {@link createPersonasHandler}: the options and the request in one object.
 * Prefer the factory in a server, which checks the options once.
 *
 * @param request - The pool, `requireIfMatch`, `maxWaitSeconds`, and the request.
 * @returns The response; the promise never rejects for anything a client can cause.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing pool or a malformed option.
 *
 * @example
 * ```ts
 * const response = await handlePersonasRequest({ pool, method: 'GET', user: { role: 'viewer' }, headers: {} });
 * ```
 */
export function handlePersonasRequest(request: PersonasRequest & PersonasHandlerOptions): Promise<PersonasResponse> {
  const requireIfMatch = checkOptions(request);
  return handle(request.pool, requireIfMatch, maxWaitOf(request.maxWaitSeconds), request);
}
