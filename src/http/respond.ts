import { logger } from '../log.js';
import { PersonaPoolError } from '../errors.js';
import { fitBy } from '../pool/by.js';
import { MAX_BODY_BYTES, readJsonBody } from './body.js';
import { headerValue, JSON_TYPE, taggedVersions } from './headers.js';
import type { PoolUser } from './roles.js';
import type { PersonasHandlerOptions, PersonasRequest, PersonasResponse, PoolAccess } from './types.js';

// What every resource of the handler shares: JSON answers, errors as answers, the body and If-Match.

const log = logger('persona-pool:http');

/** The user fields `by` and the write log name a user with, in this order. */
export const NAME_FIELDS = ['username', 'name', 'email', 'id'] as const;

/**
 * A JSON answer.
 *
 * @param status - The HTTP status.
 * @param value - The body, serialized here.
 * @param headers - Headers beside `content-type`.
 * @returns The response.
 */
export function jsonResponse(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): PersonasResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

/**
 * An error as an answer: a `PersonaPoolError` with its status, `{ detail }` (and `rejected`), `Allow`
 * on a 405; anything else a 500 "Internal error", logged through `debug`.
 *
 * @param error - What was thrown.
 * @param allow - The methods of the resource, for a 405's `Allow`.
 * @returns The response.
 */
export function failure(error: unknown, allow: string): PersonasResponse {
  if (!(error instanceof PersonaPoolError)) {
    log('unexpected error: %O', error);
    return jsonResponse(500, { detail: 'Internal error' });
  }
  const { status, message: detail, rejected } = error;
  if (status >= 500) log('%s: %s', error.code, detail);
  const headers = error.code === 'METHOD_NOT_ALLOWED' ? { allow } : undefined;
  return jsonResponse(status, rejected === undefined ? { detail } : { detail, rejected }, headers);
}

/**
 * A 405 for a method the resource does not serve.
 *
 * @param allow - Its methods.
 * @returns The error to throw.
 */
export function methodNotAllowed(allow: string): PersonaPoolError {
  return new PersonaPoolError('METHOD_NOT_ALLOWED', `Method not allowed: use ${allow}`);
}

/**
 * Who writes, for the history's `by`: the handler's `userName(user)` when given, else the first of the
 * user's `username`, `name`, `email`, `id` that is a non-empty string or a number; cut to 64 bytes.
 *
 * @param user - The user object (its role already checked).
 * @param userName - The handler's option, if any.
 * @returns The name, or undefined.
 */
export function byOf(user: PoolUser, userName?: PersonasHandlerOptions['userName']): string | undefined {
  const fields = user as unknown as Readonly<Partial<Record<string, unknown>>>;
  const name = userName === undefined ? NAME_FIELDS.map((field) => fields[field]).find((value) => (typeof value === 'string' && value !== '') || typeof value === 'number') : userName(user);
  return name === undefined || name === '' ? undefined : fitBy(String(name));
}

/**
 * The versions `If-Match` lists, after the `requireIfMatch` check.
 *
 * @param options - The handler's options.
 * @param request - The request.
 * @returns The versions listed (`*` included); none without the header.
 * @throws {PersonaPoolError} `PRECONDITION_REQUIRED` (428) when required and missing.
 */
export function ifMatchTags(options: PersonasHandlerOptions, request: PersonasRequest): string[] {
  const tags = taggedVersions(headerValue(request.headers, 'if-match'));
  if ((options.requireIfMatch ?? false) && tags.length === 0) {
    throw new PersonaPoolError('PRECONDITION_REQUIRED', 'If-Match is required: send the ETag of the pool you edited, from its GET');
  }
  return tags;
}

/**
 * The version `If-Match` asks for: none for `*`; of a list, the current version when listed.
 *
 * @param pool - The pool.
 * @param tags - What {@link ifMatchTags} gave.
 * @returns The version to pass as `ifMatch`.
 */
export async function expectedVersion(pool: PoolAccess, tags: readonly string[]): Promise<string | undefined> {
  if (tags.length === 0 || tags.includes('*')) return undefined;
  if (tags.length === 1) return tags[0];
  const { version } = await pool.snapshot();
  return tags.includes(version) ? version : tags[0];
}

/**
 * The request body: `rawBody` read and parsed when given, else `body` as the host parsed it.
 *
 * @param options - The handler's options (`maxBodyBytes`).
 * @param request - The request.
 * @returns The parsed JSON.
 * @throws {PersonaPoolError} As `readJsonBody`.
 */
export async function bodyOf(options: PersonasHandlerOptions, request: PersonasRequest): Promise<unknown> {
  const { rawBody, headers } = request;
  if (rawBody === undefined) return request.body;
  return readJsonBody(rawBody, headers, options.maxBodyBytes ?? MAX_BODY_BYTES);
}
