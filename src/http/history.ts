import { logger } from '../log.js';
import { PersonaPoolError } from '../errors.js';
import { etagOf } from './headers.js';
import type { CoalescedGets } from './coalesced-get.js';
import { bodyOf, byOf, expectedVersion, failure, ifMatchTags, jsonResponse, methodNotAllowed } from './respond.js';
import { requireAdmin, requireViewer } from './roles.js';
import type { PersonasHandlerOptions, PersonasRequest, PersonasResponse } from './types.js';

// The history resources of the handler: GET <base>/history (viewer), POST <base>/restore (admin).

const log = logger('persona-pool:http');

const HISTORY_ALLOW = 'GET, HEAD';
const RESTORE_ALLOW = 'POST';

/** `GET history`: `{ history: [{ version, savedAt, count, by? }] }`, newest first. */
async function listHistory(options: PersonasHandlerOptions, request: PersonasRequest): Promise<PersonasResponse> {
  requireViewer(request.user);
  const history = (await options.pool.history?.()) ?? [];
  const response = jsonResponse(200, { history }, { 'cache-control': 'no-cache' });
  return request.method === 'HEAD' ? { ...response, body: null } : response;
}

function versionIn(body: unknown): string {
  const version = typeof body === 'object' && body !== null ? (body as { version?: unknown }).version : undefined;
  if (typeof version !== 'string' || version === '') {
    throw new PersonaPoolError('INVALID_BODY', 'body.version must be a version listed by GET history, as a string: send {"version": "..."}');
  }
  return version;
}

/** `POST restore` `{ version }`: the same answer as a PUT. */
async function restore(options: PersonasHandlerOptions, request: PersonasRequest, gets: CoalescedGets): Promise<PersonasResponse> {
  const { pool } = options;
  const admin = requireAdmin(request.user);
  const tags = ifMatchTags(options, request);
  const version = versionIn(await bodyOf(options, request));
  if (pool.restore === undefined) {
    throw new PersonaPoolError('UNKNOWN_VERSION', `No version ${version} of this pool can be restored: it keeps no history`);
  }
  const by = byOf(admin, options.userName);
  const { path, personas, rejected, warnings, version: written } = await pool.restore(version, { ifMatch: await expectedVersion(pool, tags), by });
  gets.forget();
  log('%s restored %s to version %s', by ?? `(${admin.role})`, path, version);
  return jsonResponse(200, { path, personas, rejected, warnings, version: written, problem: null }, { etag: etagOf(written) });
}

/**
 * Answers the `history` (GET, HEAD; viewer) and `restore` (POST; admin) resources of a pool, and 404
 * for any other resource but `personas`. Never rejects.
 *
 * @param options - The handler's options.
 * @param request - The request; its `resource` is not `personas`.
 * @returns The answer.
 */
export function serveHistory(options: PersonasHandlerOptions, request: PersonasRequest, gets: CoalescedGets): Promise<PersonasResponse> {
  const { resource, method } = request;
  if (resource === 'history') {
    const fail = (error: unknown) => failure(error, HISTORY_ALLOW);
    if (method !== 'GET' && method !== 'HEAD') return Promise.resolve(fail(methodNotAllowed(HISTORY_ALLOW)));
    return listHistory(options, request).catch(fail);
  }
  if (resource === 'restore') {
    const fail = (error: unknown) => failure(error, RESTORE_ALLOW);
    if (method !== 'POST') return Promise.resolve(fail(methodNotAllowed(RESTORE_ALLOW)));
    return restore(options, request, gets).catch(fail);
  }
  return Promise.resolve(jsonResponse(404, { detail: 'Not found' }));
}
