import createDebug from 'debug';
import { PersonaPoolError } from '../errors.js';
import { MAX_BODY_BYTES, readJsonBody } from './body.js';
import { etagOf, headerValue, JSON_TYPE, taggedVersions } from './headers.js';
import { forgetTurn, readThisTurn } from './read.js';
import { readBytes, wantsBytes } from './bytes.js';
import { DEFAULT_MAX_WAIT_SECONDS, maxWaitOf } from './wait.js';
import type {
  ListPersonasRequest,
  PersonasHandler,
  PersonasHandlerOptions,
  PersonasRequest,
  PersonasResponse,
  PoolAccess,
  ReplacePersonasRequest,
} from './types.js';
import type { ReplaceResult } from '../pool/pool.js';
import { requireAdmin, requireViewer, type PoolUser } from './roles.js';
import type { PoolSnapshot } from '../pool/snapshot.js';

const log = createDebug('persona-pool:http');

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
 * @returns What was written: `{ path, personas, rejected, warnings, version }`.
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
 * such as a path that is not the endpoint (404), or a failure of its own authentication (500).
 *
 * @param status - The HTTP status.
 * @param detail - What went wrong, for the dashboard.
 * @returns The response to send.
 *
 * @example
 * ```ts
 * send(res, errorResponse(404, 'Not found'));
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
  const headers = error.code === 'METHOD_NOT_ALLOWED' ? { allow: ALLOW } : undefined;
  return jsonResponse(status, rejected === undefined ? { detail } : { detail, rejected }, headers);
}

/** The version `If-Match` asks for: none for `*`; of a list, the current version when listed. */
async function expectedVersion(pool: PoolAccess, tags: readonly string[]): Promise<string | undefined> {
  if (tags.length === 0 || tags.includes('*')) return undefined;
  if (tags.length === 1) return tags[0];
  const { version } = await pool.snapshot();
  return tags.includes(version) ? version : tags[0];
}

/** The PUT body: `rawBody` read and parsed when given, else `body` as the host parsed it. */
async function bodyOf(options: PersonasHandlerOptions, request: PersonasRequest): Promise<unknown> {
  const { rawBody, headers } = request;
  if (rawBody === undefined) return request.body;
  return readJsonBody(rawBody, headers, options.maxBodyBytes ?? HANDLER_DEFAULTS.maxBodyBytes);
}

async function write(options: PersonasHandlerOptions, request: PersonasRequest): Promise<PersonasResponse> {
  const { pool } = options;
  const { user } = request;
  requireAdmin(user);
  const tags = taggedVersions(headerValue(request.headers, 'if-match'));
  if ((options.requireIfMatch ?? HANDLER_DEFAULTS.requireIfMatch) && tags.length === 0) {
    throw new PersonaPoolError('PRECONDITION_REQUIRED', 'If-Match is required: send the ETag of the pool you edited, from its GET');
  }
  const body = await bodyOf(options, request);
  const { path, personas, rejected, warnings, version } = await replacePersonas({ pool, user, body, ifMatch: await expectedVersion(pool, tags) });
  forgetTurn(pool);
  return jsonResponse(200, { path, personas, rejected, warnings, version, problem: null }, { etag: etagOf(version) });
}

/**
 * The defaults of the options of {@link createPersonasHandler} and {@link handlePersonasRequest};
 * an option left out or `undefined` takes its default.
 */
export const HANDLER_DEFAULTS = {
  /** Off, so dashboards that never send `If-Match` keep working. */
  requireIfMatch: false,
  /** 16 MiB, the pool's own default `maxBytes`: any pool the pool reads can be sent. */
  maxBodyBytes: MAX_BODY_BYTES,
  /** Thirty seconds: a GET asked to wait (`Prefer: wait=N`) is held at most this long. */
  maxWaitSeconds: DEFAULT_MAX_WAIT_SECONDS,
} as const satisfies Required<Omit<PersonasHandlerOptions, 'pool'>>;

function invalidOption(message: string): PersonaPoolError {
  return new PersonaPoolError('INVALID_OPTION', `The persona handler ${message}`);
}

/** Checks the handler's options (once per handler, or per call of the one-shot form), allocating nothing. */
function checkOptions(options: PersonasHandlerOptions): void {
  const pool = options?.pool as Partial<PoolAccess> | undefined;
  if (typeof pool?.snapshot !== 'function' || typeof pool.replace !== 'function') {
    throw invalidOption('needs the option pool, a PersonaPool');
  }
  const { requireIfMatch = HANDLER_DEFAULTS.requireIfMatch, maxBodyBytes = HANDLER_DEFAULTS.maxBodyBytes } = options;
  if (typeof requireIfMatch !== 'boolean') {
    throw invalidOption(`option requireIfMatch must be a boolean, got ${String(requireIfMatch)}`);
  }
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw invalidOption(`option maxBodyBytes must be a whole number of bytes ≥ 0, got ${String(maxBodyBytes)}`);
  }
}

/**
 * Makes the handler of `/api/v1/realism/personas`, framework-agnostic: the host passes the method,
 * its user object, the body (unread as `rawBody`, or parsed as `body`) and the headers, and sends
 * back `{ status, headers, body }`. GET and HEAD need a viewer (or admin), PUT an admin; any other
 * method gets 405. The handler never rejects: errors become `{ "detail": "..." }` with their
 * status, and an unexpected exception a 500 "Internal error" (logged through `debug`, namespace
 * `persona-pool:http`). A GET with a matching `If-None-Match` and `Prefer: wait=N` is held until
 * the pool changes (200) or N seconds pass (304), N capped by `maxWaitSeconds`; the request's
 * `signal` ends the hold. See docs/http.md.
 *
 * @param options - The pool, `requireIfMatch`, `maxBodyBytes` and `maxWaitSeconds`; checked once,
 * here. An option left out or `undefined` takes its default ({@link HANDLER_DEFAULTS}).
 * @returns The handler.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing pool or a malformed option.
 *
 * @example
 * ```ts
 * const handle = createPersonasHandler({ pool: new PersonaPool() });
 * const { status, headers, body } = await handle({ method: req.method, user, rawBody: req, headers: req.headers, signal });
 * res.writeHead(status, headers).end(body ?? undefined);
 * ```
 */
export function createPersonasHandler(options: PersonasHandlerOptions): PersonasHandler {
  checkOptions(options);
  const { pool, requireIfMatch = HANDLER_DEFAULTS.requireIfMatch, maxBodyBytes = HANDLER_DEFAULTS.maxBodyBytes } = options;
  const settings: PersonasHandlerOptions = { pool, requireIfMatch, maxBodyBytes };
  const maxWait = maxWaitOf(options.maxWaitSeconds);
  return function handlePersonas(request: PersonasRequest): Promise<PersonasResponse> {
    return handle(settings, maxWait, request);
  };
}

/** One request, for both forms of the handler; GET is {@link listPersonas} inlined, with no `await`. */
function handle(options: PersonasHandlerOptions, maxWait: number, request: PersonasRequest): Promise<PersonasResponse> {
  try {
    const { method } = request;
    if (method === 'GET' || method === 'HEAD') {
      requireViewer(request.user);
      if (wantsBytes(request)) return readBytes(options.pool, request, maxWait).catch(failure);
      const answer = readThisTurn(options.pool, request, maxWait);
      return answer instanceof Promise ? answer.catch(failure) : Promise.resolve(answer);
    }
    if (method === 'PUT') return write(options, request).catch(failure);
    throw new PersonaPoolError('METHOD_NOT_ALLOWED', `Method not allowed: use ${ALLOW}`);
  } catch (error) {
    return Promise.resolve(failure(error));
  }
}

/**
 * The one-shot form of {@link createPersonasHandler}: the options and the request in one object.
 * Prefer the factory in a server, which checks the options once.
 *
 * @param request - The pool, `requireIfMatch`, `maxBodyBytes`, `maxWaitSeconds`, and the request.
 * @returns The response; the promise never rejects for anything a client can cause.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing pool or a malformed option.
 *
 * @example
 * ```ts
 * const response = await handlePersonasRequest({ pool, method: 'GET', user: { role: 'viewer' }, headers: {} });
 * ```
 */
export function handlePersonasRequest(request: PersonasRequest & PersonasHandlerOptions): Promise<PersonasResponse> {
  checkOptions(request);
  return handle(request, maxWaitOf(request.maxWaitSeconds), request);
}
