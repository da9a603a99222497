import { coreRequest, toFetchResponse, type FetchRequest, type FetchTarget } from './fetch.js';
import { createPoolsHandler, type PoolsHandlerOptions } from './pools.js';

/** Which named pool a fetch request is for, and which of its resources. */
export interface PoolsFetchTarget extends FetchTarget {
  /** The pool's id, as the path carries it. */
  readonly id: string;
}

/** A handler made by {@link createPoolsFetchHandler}: it never rejects. */
export interface PoolsFetchHandler {
  /** Answers one request. */
  (request: FetchRequest, user: unknown, target: PoolsFetchTarget): Promise<Response>;
  /** How many pools are open now. */
  readonly open: number;
  /** Closes every open pool and its store. */
  close(): Promise<void>;
}

/**
 * {@link createPoolsHandler} for a fetch-style host (Hono, Next.js, Bun, Deno): `(request, user,
 * { id, resource? }) => Promise<Response>`, with the same answers.
 *
 * @param options - As {@link createPoolsHandler}'s.
 * @returns The handler, with `open` and `close()`.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
 *
 * @example
 * ```ts
 * const pools = createPoolsFetchHandler({ resolve, storeFor });
 * app.all('/topologies/:id/personas', (c) => pools(c.req.raw, c.get('user'), { id: c.req.param('id') }));
 * ```
 */
export function createPoolsFetchHandler(options: PoolsHandlerOptions): PoolsFetchHandler {
  const handle = createPoolsHandler(options);
  const fetchHandle = (request: FetchRequest, user: unknown, target: PoolsFetchTarget): Promise<Response> => {
    return handle({ ...coreRequest(request, user, target?.resource), id: target?.id }).then(toFetchResponse);
  };
  return Object.defineProperties(fetchHandle, {
    open: { get: () => handle.open },
    close: { value: () => handle.close() },
  }) as PoolsFetchHandler;
}
