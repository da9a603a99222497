import { logger } from '../log.js';
import { PersonaPoolError } from '../errors.js';
import { StorePool } from '../pool/pool.js';
import type { PoolSnapshot } from '../pool/snapshot.js';
import type { PersonaStore } from '../stores/types.js';
import { personasHandlerWith } from './handler.js';
import { PoolCache, type OpenPool } from './pools-cache.js';
import { failure, jsonResponse, methodNotAllowed } from './respond.js';
import { requireViewer } from './roles.js';
import type { PersonasHandlerOptions, PersonasRequest, PersonasResponse } from './types.js';

const log = logger('persona-pool:http');

/** What `resolve` tells of a named pool. */
export interface PoolDescription {
  /** Its store; the handler closes it when the pool is evicted. */
  readonly store?: PersonaStore | undefined;
  /** Else, the name `storeFor` opens its store with; default: the id. */
  readonly storeName?: string | undefined;
  /** The language of its personas without one; default `en`. It is the GET body's `language_default`. */
  readonly languageDefault?: string | undefined;
  /** Top-level fields of its GET body, before `language_default` and `personas` (e.g. `topology_id`, `topology_name`). */
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
}

/** Options of {@link createPoolsHandler}: those of `createPersonasHandler` but `pool`, and these. */
export interface PoolsHandlerOptions extends Omit<PersonasHandlerOptions, 'pool'> {
  /**
   * What the pool of an id is (host code; it may be async): undefined for an id the host does not
   * know (404 `UNKNOWN_POOL`, no pool opened). A `PersonaPoolError` it throws is answered with its
   * status; any other error (a malformed id) 400 `INVALID_POOL_ID`, the error logged through `debug`.
   * Called once per id while its pool stays open.
   */
  readonly resolve: (id: string) => PoolDescription | undefined | Promise<PoolDescription | undefined>;
  /** Opens the store of a pool that `resolve` gave no `store` (e.g. `(name) => postgresStore({ client, name })`). */
  readonly storeFor?: ((name: string) => PersonaStore) | undefined;
  /** The most pools open at once, least recently used evicted (closed) first. Default 100. */
  readonly maxOpen?: number | undefined;
  /** Each pool's `watch` option. Default `false`. */
  readonly watch?: boolean | undefined;
}

/** One request to a named pool: the id, and what `createPersonasHandler` takes. */
export interface PoolsRequest extends PersonasRequest {
  /** The pool's id, as the path carries it (a string). */
  readonly id: string;
}

/** A handler made by {@link createPoolsHandler}: it never rejects. */
export interface PoolsHandler {
  /** Answers one request. */
  (request: PoolsRequest): Promise<PersonasResponse>;
  /** How many pools are open now. */
  readonly open: number;
  /** Closes every open pool and its store. */
  close(): Promise<void>;
}

/** The default of `maxOpen`. */
export const MAX_OPEN_POOLS = 100;

const ALLOW: Readonly<Partial<Record<string, string>>> = { personas: 'GET, HEAD, PUT', history: 'GET, HEAD', restore: 'POST' };

function invalidOption(message: string): PersonaPoolError {
  return new PersonaPoolError('INVALID_OPTION', `The pools handler ${message}`);
}

function checkOptions(options: PoolsHandlerOptions): number {
  if (typeof options?.resolve !== 'function') throw invalidOption('needs the option resolve, a function of the id');
  if (options.storeFor !== undefined && typeof options.storeFor !== 'function') throw invalidOption('option storeFor must be a function of the store name');
  const { maxOpen = MAX_OPEN_POOLS, watch = false } = options;
  if (!Number.isSafeInteger(maxOpen) || maxOpen < 1) throw invalidOption(`option maxOpen must be a whole number ≥ 1, got ${String(maxOpen)}`);
  if (typeof watch !== 'boolean') throw invalidOption(`option watch must be a boolean, got ${String(watch)}`);
  const probe = { snapshot: () => Promise.reject(new Error('unused')), replace: () => Promise.reject(new Error('unused')) };
  personasHandlerWith({ ...options, pool: probe }, undefined); // checks the handler's own options, once
  return maxOpen;
}

function malformed(id: string, error: unknown): PersonaPoolError {
  if (error instanceof PersonaPoolError) return error;
  log('resolve refused the pool id %j: %O', id, error);
  return new PersonaPoolError('INVALID_POOL_ID', `Malformed pool id ${JSON.stringify(id.slice(0, 100))}: check the id in the path`);
}

/** Opens the pool of an id, or undefined when `resolve` does not know it. */
async function openPool(options: PoolsHandlerOptions, id: string): Promise<OpenPool | undefined> {
  let described: PoolDescription | undefined;
  try {
    described = await options.resolve(id);
  } catch (error) {
    throw malformed(id, error);
  }
  if (described === undefined) return undefined;
  const { fields = {}, languageDefault = 'en' } = described;
  const store = described.store ?? options.storeFor?.(described.storeName ?? id);
  if (store === undefined) throw new PersonaPoolError('INVALID_OPTION', `The pool ${id} has no store: resolve must give one, or the pools handler needs storeFor`);
  const pool = new StorePool({ store, languageDefault, watch: options.watch }, () => store);
  const shape = ({ personas }: PoolSnapshot) => ({ ...fields, language_default: languageDefault, personas });
  return { pool, store, handle: personasHandlerWith({ ...options, pool }, shape), active: 0, evicted: false };
}

/**
 * Serves many named pools (one per topology, say) with one handler: the host passes the pool's
 * `id` with the request, `resolve(id)` tells what that pool is, and the pool is opened once and kept
 * among the `maxOpen` most recently used (evicted pools are closed). Each pool answers exactly as
 * `createPersonasHandler` does (roles, conditional requests, long polling, body limits, errors,
 * `history` and `restore`), but its GET body is `{ ...fields, language_default, personas }`. Checks,
 * in order: the resource (404), the method (405), the role (401/403), then the id (400/404).
 *
 * @param options - `resolve`, `storeFor`, `maxOpen`, `watch`, and the options of `createPersonasHandler` but `pool`.
 * @returns The handler, with `open` and `close()`.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a malformed option.
 *
 * @example
 * ```ts
 * const handle = createPoolsHandler({ resolve: (id) => topologies.get(id), storeFor: (name) => postgresStore({ client, name }) });
 * const { status, headers, body } = await handle({ id: req.params.id, method: req.method, user, rawBody: req, headers: req.headers });
 * ```
 */
export function createPoolsHandler(options: PoolsHandlerOptions): PoolsHandler {
  const pools = new PoolCache(checkOptions(options), (id) => openPool(options, id));
  const handle = async (request: PoolsRequest): Promise<PersonasResponse> => {
    let allow = ALLOW['personas'] as string;
    try {
      const { id, resource = 'personas', method } = request;
      const allowed = ALLOW[resource];
      if (allowed === undefined) return jsonResponse(404, { detail: 'Not found' });
      allow = allowed;
      if (!allow.split(', ').includes(method)) throw methodNotAllowed(allow);
      requireViewer(request.user);
      if (typeof id !== 'string') throw new PersonaPoolError('INVALID_POOL_ID', 'The pool id must be a string: pass the id from the path');
      const entry = await pools.get(id);
      if (entry === undefined) throw new PersonaPoolError('UNKNOWN_POOL', `No pool ${JSON.stringify(id.slice(0, 100))}: check the id in the path`);
      entry.active++;
      try {
        return await entry.handle(request);
      } finally {
        pools.done(entry);
      }
    } catch (error) {
      return failure(error, allow);
    }
  };
  return Object.defineProperties(handle, {
    open: { get: () => pools.size },
    close: { value: () => pools.close() },
  }) as PoolsHandler;
}
