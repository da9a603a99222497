import { logger } from '../log.js';
import { PersonaPoolError } from '../errors.js';
import { MAX_BODY_BYTES } from './body.js';
import { etagOf } from './headers.js';
import { serveHistory } from './history.js';
import { CoalescedGets, type Shape } from './coalesced-get.js';
import { bodyOf, byOf, expectedVersion, failure, ifMatchTags, jsonResponse, methodNotAllowed, NAME_FIELDS } from './respond.js';
import { readBytes, wantsBytes } from './bytes.js';
import { DEFAULT_MAX_WAIT_SECONDS, maxWaitOf } from './wait.js';
import type {
  PersonasHandler,
  PersonasHandlerOptions,
  PersonasRequest,
  PersonasResponse,
  PoolAccess,
  ReplacePersonasRequest,
} from './types.js';
import type { ReplaceResult } from '../pool/transaction.js';
import { requireAdmin, requireViewer, type PoolUser } from './roles.js';

const log = logger('persona-pool:http');

const ALLOW = 'GET, HEAD, PUT';

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
 * Replaces the pool with `body.personas`, for an admin (else `UNAUTHORIZED`, `FORBIDDEN`...); a body
 * without a list is `NOT_A_LIST`. Each write is logged (`persona-pool:http`) with the user, the count and the path.
 */
export async function replacePersonas({ pool, user, body, ifMatch, by }: ReplacePersonasRequest): Promise<ReplaceResult> {
  const admin = requireAdmin(user);
  const result = await pool.replace(personasOf(body), { ifMatch, by: by ?? byOf(admin) });
  log('%j replaced %s: %d personas written, %d rejected', userLabel(admin), result.path, result.personas.length, result.rejected.length);
  return result;
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

async function write(options: PersonasHandlerOptions, request: PersonasRequest, gets: CoalescedGets): Promise<PersonasResponse> {
  const { pool } = options;
  const { user } = request;
  const admin = requireAdmin(user);
  const tags = ifMatchTags(options, request);
  const body = await bodyOf(options, request);
  const by = byOf(admin, options.userName);
  const { path, personas, rejected, warnings, version } = await replacePersonas({ pool, user, body, ifMatch: await expectedVersion(pool, tags), by });
  gets.forget();
  return jsonResponse(200, { path, personas, rejected, warnings, version, problem: null }, { etag: etagOf(version) });
}

/**
 * The defaults of the options of {@link createPersonasHandler} and {@link handlePersonasRequest};
 * an option left out or `undefined` takes its default.
 */
export const HANDLER_DEFAULTS = {
  /** Off, so dashboards that never send `If-Match` keep working. */
  requireIfMatch: false,
  /** The pool's own default `maxBytes`: any pool the pool reads can be sent. */
  maxBodyBytes: MAX_BODY_BYTES,
  /** A GET asked to wait (`Prefer: wait=N`) is held at most this long. */
  maxWaitSeconds: DEFAULT_MAX_WAIT_SECONDS,
} as const satisfies Required<Omit<PersonasHandlerOptions, 'pool' | 'userName'>>;

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
  if (options.userName !== undefined && typeof options.userName !== 'function') {
    throw invalidOption('option userName must be a function of the user');
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
 * here. An option left out or `undefined` takes its default (see {@link PersonasHandlerOptions}).
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
  return personasHandlerWith(options, undefined);
}

/**
 * {@link createPersonasHandler}, with the GET body shaped by `shape` (the named pools' body).
 *
 * @param options - As {@link createPersonasHandler}'s.
 * @param shape - Makes the GET body of a snapshot; undefined for `{ path, personas, version, problem }`.
 * @returns The handler.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing pool or a malformed option.
 */
export function personasHandlerWith(options: PersonasHandlerOptions, shape: Shape | undefined): PersonasHandler {
  checkOptions(options);
  const { pool, requireIfMatch = HANDLER_DEFAULTS.requireIfMatch, maxBodyBytes = HANDLER_DEFAULTS.maxBodyBytes, userName } = options;
  const settings: PersonasHandlerOptions = { pool, requireIfMatch, maxBodyBytes, userName };
  const gets = new CoalescedGets(pool, shape);
  const maxWait = maxWaitOf(options.maxWaitSeconds);
  return function handlePersonas(request: PersonasRequest): Promise<PersonasResponse> {
    return handle(settings, gets, maxWait, request);
  };
}

const onPersonas = (error: unknown) => failure(error, ALLOW);

/** One request, for both forms of the handler; a GET answered from memory costs no `await`. */
function handle(options: PersonasHandlerOptions, gets: CoalescedGets, maxWait: number, request: PersonasRequest): Promise<PersonasResponse> {
  try {
    const { method, resource = 'personas' } = request;
    if (resource !== 'personas') return serveHistory(options, request, gets);
    if (method === 'GET' || method === 'HEAD') {
      requireViewer(request.user);
      if (wantsBytes(request)) return readBytes(options.pool, request, maxWait, () => gets.holds).catch(onPersonas);
      const answer = gets.answer(request, maxWait, onPersonas);
      return answer instanceof Promise ? answer : Promise.resolve(answer);
    }
    if (method === 'PUT') return write(options, request, gets).catch(onPersonas);
    throw methodNotAllowed(ALLOW);
  } catch (error) {
    return Promise.resolve(onPersonas(error));
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
  return handle(request, oneShotGets(request.pool), maxWaitOf(request.maxWaitSeconds), request);
}

// The one-shot form has no closure to keep its GET coalescing in: the calls on one pool share one,
// as the calls of one handler do (each handler of createPersonasHandler keeps its own).
const oneShot = new WeakMap<PoolAccess, CoalescedGets>();

function oneShotGets(pool: PoolAccess): CoalescedGets {
  let gets = oneShot.get(pool);
  if (gets === undefined) {
    gets = new CoalescedGets(pool, undefined);
    oneShot.set(pool, gets);
  }
  return gets;
}
