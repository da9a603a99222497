import type { JsonSchema } from './openapi-persona.js';

type Responses = Record<string, JsonSchema>;
type Security = readonly Readonly<Record<string, readonly string[]>>[];

const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: schemaRef(name) } });
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const parameter = (name: string) => ({ $ref: `#/components/parameters/${name}` });

function error(description: string, withBody = true): JsonSchema {
  return withBody ? { description, content: json('PersonaPoolError') } : { description };
}

/** The errors any operation may answer; HEAD's carry no body. */
function common(withBody: boolean): Responses {
  return {
    401: error('No user: `Could not validate credentials`.', withBody),
    403: error('A password change is required, or the role may not read.', withBody),
    405: { $ref: '#/components/responses/PersonaPoolMethodNotAllowed' },
    500: error('Unexpected: `Internal error`.', withBody),
  };
}

/** The errors of a write: PUT and restore. */
function writeErrors(): Responses {
  return {
    ...common(true),
    400: error('The body is empty, not UTF-8, not JSON, or not of the expected shape; or no entry is valid (with `rejected`).'),
    403: error('A password change is required, or the role is not admin.'),
    409: error('The pool path is not a regular file.'),
    412: error('`If-Match` does not list the current version.'),
    413: error('The body is over the handler\'s `maxBodyBytes`, or has more personas than the pool\'s `maxPersonas`.'),
    415: error('The `Content-Type` is not JSON (or there is none), or its charset is not UTF-8.'),
    500: error('The pool cannot be written (`detail` says why and what to do), or something unexpected: `Internal error`.'),
    503: error('Another writer held the lock too long, the lock was lost, or the store is unreachable: try again.'),
  };
}

function read(method: 'get' | 'head', named: boolean): JsonSchema {
  const get = method === 'get';
  const headers = { ETag: header('ETag'), 'Cache-Control': header('CacheControl'), 'Preference-Applied': header('PreferenceApplied') };
  const content = named ? json('PersonaPoolNamedSnapshot') : { ...json('PersonaPoolSnapshot'), 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
  const bytes = named ? '' : ' With `Accept: application/octet-stream`, the stored bytes.';
  return {
    operationId: `${get ? 'list' : 'head'}${named ? 'Named' : ''}Personas`,
    summary: get ? 'The persona pool (viewer or admin)' : 'The headers of GET',
    parameters: [parameter('IfNoneMatch'), parameter('Prefer')],
    responses: {
      200: get ? { description: `The pool.${bytes}`, headers, content } : { description: 'The headers of GET, no body.', headers },
      304: { description: '`If-None-Match` lists the current version (after the wait, if one was asked for).', headers },
      ...common(get),
    },
  };
}

function put(named: boolean): JsonSchema {
  return {
    operationId: `replace${named ? 'Named' : ''}Personas`,
    summary: 'Replace the persona pool (admin)',
    parameters: [parameter('IfMatch')],
    requestBody: { required: true, content: json('PersonaPoolReplace') },
    responses: {
      200: { description: 'Written (its valid part, when partly invalid).', headers: { ETag: header('ETag') }, content: json('PersonaPoolWritten') },
      ...writeErrors(),
      428: error('`If-Match` is required (`requireIfMatch`) and missing.'),
    },
  };
}

function history(named: boolean): JsonSchema {
  return {
    operationId: `list${named ? 'Named' : ''}History`,
    summary: 'The versions kept, newest first (viewer or admin)',
    responses: { 200: { description: 'The history.', content: json('PersonaPoolHistory') }, ...common(true) },
  };
}

function restore(named: boolean): JsonSchema {
  return {
    operationId: `restore${named ? 'Named' : ''}Personas`,
    summary: 'Bring back a version kept in the history (admin)',
    parameters: [parameter('IfMatch')],
    requestBody: { required: true, content: json('PersonaPoolRestore') },
    responses: {
      200: { description: 'Restored: the pool as now written.', headers: { ETag: header('ETag') }, content: json('PersonaPoolWritten') },
      ...writeErrors(),
      404: error('The history keeps no such version (`UNKNOWN_VERSION`).'),
    },
  };
}

/** A named pool's operation: the `{id}` errors added. */
function namedOne(operation: JsonSchema): JsonSchema {
  const responses = operation['responses'] as Responses;
  const withBody = operation['operationId'] !== 'headNamedPersonas';
  const said = (status: number) => (responses[status]?.['description'] as string | undefined)?.concat(' Or: ') ?? '';
  return {
    ...operation,
    responses: {
      ...responses,
      400: error(`${said(400)}The id is malformed.`, withBody),
      404: error(`${said(404)}No pool has this id.`, withBody),
    },
  };
}

/**
 * The path items of one pool: its personas, `…/history` and `…/restore`.
 *
 * @param path - The pool's path; a named pool's holds `{id}`.
 * @param named - Whether the path names a pool (`{id}`): 400 for a malformed id, 404 for an unknown one.
 * @param security - The security requirement of every operation.
 * @returns The path items by path.
 */
export function poolPaths(path: string, named: boolean, security: Security): Record<string, JsonSchema> {
  const items: Record<string, Record<string, JsonSchema>> = {
    [path]: { get: read('get', named), head: read('head', named), put: put(named) },
    [`${path}/history`]: { get: history(named) },
    [`${path}/restore`]: { post: restore(named) },
  };
  return Object.fromEntries(
    Object.entries(items).map(([where, operations]) => [
      where,
      {
        ...(named ? { parameters: [parameter('PersonaPoolId')] } : {}),
        ...Object.fromEntries(Object.entries(operations).map(([method, operation]) => [method, { ...(named ? namedOne(operation) : operation), security }])),
      },
    ]),
  );
}
