import { createPersonasHandler, handlePersonasRequest } from './handler.js';
import type { PersonasHandlerOptions, PersonasResponse } from './types.js';

/**
 * What the fetch handler reads of a request: a standard `Request` has it all (Hono's `c.req.raw`,
 * a Next.js route handler's `request`, Bun's and Deno's `fetch(request)`).
 */
export type FetchRequest = Pick<Request, 'method' | 'headers' | 'body' | 'signal'>;

/**
 * Options of {@link createPersonasFetchHandler}: those of `createPersonasHandler`, with the same
 * defaults; an option left out or `undefined` takes its default.
 */
export type PersonasFetchOptions = PersonasHandlerOptions;

/** Which resource of the pool a fetch request is for: `personas` (default), `history` or `restore`. */
export interface FetchTarget {
  /** `personas` (default), `history` or `restore`; anything else is answered 404. */
  readonly resource?: string | undefined;
}

/** A handler made by {@link createPersonasFetchHandler}. Its promise never rejects. */
export type PersonasFetchHandler = (request: FetchRequest, user: unknown, target?: FetchTarget) => Promise<Response>;

/**
 * The core's answer as a standard `Response`: the same status, headers and body bytes.
 *
 * @param response - An answer of the core handler, or of `errorResponse`.
 * @returns The `Response` to return from a fetch-style route.
 *
 * @example
 * ```ts
 * app.notFound(() => toFetchResponse(errorResponse(404, 'Not found')));
 * ```
 */
export function toFetchResponse({ status, headers, body }: PersonasResponse): Response {
  return new Response(body, { status, headers });
}

/**
 * The core request of a fetch `Request`: its body is asked for on a PUT or POST only (asking may build it).
 *
 * @param request - The fetch request.
 * @param user - The host's user object.
 * @param resource - The resource asked for, if not `personas`.
 * @returns The request of the core handler.
 */
export function coreRequest(request: FetchRequest, user: unknown, resource?: string): { method: string; user: unknown; rawBody: ReadableStream<Uint8Array> | null; headers: Headers; signal: AbortSignal; resource: string | undefined } {
  const { method, headers, signal } = request;
  return { method, user, rawBody: method === 'PUT' || method === 'POST' ? request.body : null, headers, signal, resource };
}

/**
 * Makes the personas endpoint for a fetch-style host (Hono, Next.js route handlers, Bun, Deno, any
 * `Request`/`Response` router): `(request, user) => Promise<Response>`, with exactly the statuses,
 * headers and bodies of `createPersonasHandler`. It reads the method, the headers and, on a PUT
 * from an admin, the body (415 for a `Content-Type` that is not JSON or none, 413 over
 * `maxBodyBytes`, 400 for a body that is not UTF-8 or not JSON); `request.signal` ends a GET held
 * by `Prefer: wait`. The promise never rejects: every error is an answer `{ "detail": "..." }`.
 *
 * @param options - The pool, `requireIfMatch`, `maxBodyBytes` (default 16 MiB, as the core's) and
 * `maxWaitSeconds`; checked once, here. An option left out or `undefined` takes its default.
 * @returns The handler; `user` is the user object of the host's own authentication, or null;
 * `target.resource` picks `history` or `restore` (default `personas`).
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing pool or a malformed option.
 *
 * @example
 * ```ts
 * const personas = createPersonasFetchHandler({ pool: new PersonaPool() });
 * app.all('/api/v1/realism/personas', (c) => personas(c.req.raw, c.get('user')));
 * ```
 */
export function createPersonasFetchHandler(options: PersonasFetchOptions): PersonasFetchHandler {
  const handle = createPersonasHandler(options);
  return function handlePersonasFetchRequest(request: FetchRequest, user: unknown, target?: FetchTarget): Promise<Response> {
    return handle(coreRequest(request, user, target?.resource)).then(toFetchResponse);
  };
}

/**
 * The one-shot form of {@link createPersonasFetchHandler}: the options checked on each call.
 * Prefer the factory in a server.
 *
 * @param request - The standard `Request`.
 * @param options - The pool, the user, and `requireIfMatch`, `maxBodyBytes`, `maxWaitSeconds`.
 * @returns The `Response`; the promise never rejects for anything a client can cause.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing pool or a malformed option.
 *
 * @example
 * ```ts
 * export const GET = (request: Request) => handlePersonasFetch(request, { pool, user: await session(request) });
 * ```
 */
export function handlePersonasFetch(request: FetchRequest, options: PersonasFetchOptions & FetchTarget & { readonly user: unknown }): Promise<Response> {
  const { pool, requireIfMatch, maxBodyBytes, maxWaitSeconds, userName, user, resource } = options ?? ({} as Partial<typeof options>);
  return handlePersonasRequest({ pool: pool as PersonasFetchOptions['pool'], requireIfMatch, maxBodyBytes, maxWaitSeconds, userName, ...coreRequest(request, user, resource) }).then(toFetchResponse);
}
