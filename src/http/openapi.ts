import { PersonaPoolError } from '../errors.js';
import { componentSchemas, type JsonSchema } from './openapi-schemas.js';

/** The path the shipped `persona-pool/openapi.json` describes. */
export const OPENAPI_PATH = '/api/v1/realism/personas';

/** The name of the placeholder security scheme, for the host to replace. */
const PLACEHOLDER = 'PersonaPoolAuth';

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** The JSON Schema of the pool file: `persona-pool/schema.json` (its `items` describe a persona). */
  readonly schema: Readonly<{
    /** The JSON Schema of one persona. */
    items?: unknown;
  }>;
  /** The path of the endpoint. Default `/api/v1/realism/personas`. */
  readonly path?: string | undefined;
  /**
   * The security requirements of every operation, such as `[{ cookieAuth: [] }]`, naming schemes of
   * the host's document. Default: a placeholder scheme `PersonaPoolAuth` (HTTP bearer) to replace.
   */
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[] | undefined;
}

const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: schemaRef(name) } });
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const parameter = (name: string) => ({ $ref: `#/components/parameters/${name}` });

function error(description: string, withBody = true): JsonSchema {
  return withBody ? { description, content: json('PersonaPoolError') } : { description };
}

/** The errors of a read; HEAD's carry no body. */
function readErrors(withBody: boolean): Record<string, JsonSchema> {
  return {
    401: error('No user: `Could not validate credentials`.', withBody),
    403: error('A password change is required, or the role may not read.', withBody),
    500: error('Unexpected: `Internal error`.', withBody),
  };
}

function read(method: 'GET' | 'HEAD'): JsonSchema {
  const get = method === 'GET';
  const headers = { ETag: header('ETag'), 'Cache-Control': header('CacheControl'), 'Preference-Applied': header('PreferenceApplied') };
  return {
    operationId: get ? 'listPersonas' : 'headPersonas',
    summary: get ? 'The persona pool (viewer or admin)' : 'The headers of GET',
    parameters: [parameter('IfNoneMatch'), parameter('Prefer')],
    responses: {
      200: get ? { description: 'The pool.', headers, content: json('PersonaPoolSnapshot') } : { description: 'The headers of GET, no body.', headers },
      304: { description: '`If-None-Match` lists the current version (after the wait, if one was asked for).', headers },
      ...readErrors(get),
    },
  };
}

function put(): JsonSchema {
  return {
    operationId: 'replacePersonas',
    summary: 'Replace the persona pool (admin)',
    parameters: [parameter('IfMatch')],
    requestBody: { required: true, content: json('PersonaPoolReplace') },
    responses: {
      200: { description: 'Written (its valid part, when partly invalid).', headers: { ETag: header('ETag') }, content: json('PersonaPoolWritten') },
      400: error('The body is empty, not UTF-8, not JSON, not `{ "personas": [...] }`, or no entry is valid (with `rejected`).'),
      ...readErrors(true),
      403: error('A password change is required, or the role is not admin.'),
      409: error('The pool path is not a regular file.'),
      412: error('`If-Match` does not list the current version.'),
      413: error('The body is over the handler\'s `maxBodyBytes`, or has more personas than the pool\'s `maxPersonas`.'),
      415: error('The `Content-Type` is not JSON (or there is none), or its charset is not UTF-8.'),
      428: error('`If-Match` is required (`requireIfMatch`) and missing.'),
      500: error('The pool file cannot be written (`detail` says why and what to do), or something unexpected: `Internal error`.'),
      503: error('Another writer held the lock too long, or the lock was lost: try again.'),
    },
  };
}

const COMPONENTS = {
  headers: {
    ETag: { description: 'The version of the pool, quoted: send it as `If-None-Match` or `If-Match`.', schema: { type: 'string' } },
    CacheControl: { description: '`no-cache`.', schema: { type: 'string' } },
    PreferenceApplied: { description: '`wait=N` when the GET was held (`Prefer: wait=N`).', schema: { type: 'string' } },
  },
  parameters: {
    IfNoneMatch: { name: 'If-None-Match', in: 'header', description: 'ETags (strong, weak or bare) or `*`: 304 when one is the current version.', schema: { type: 'string' } },
    Prefer: { name: 'Prefer', in: 'header', description: '`wait=N` with a matching `If-None-Match`: hold the 304 up to N seconds (capped by `maxWaitSeconds`) until the pool changes.', schema: { type: 'string' } },
    IfMatch: { name: 'If-Match', in: 'header', description: 'ETags or `*`: write only if one is the current version (412 otherwise; 428 without it when required).', schema: { type: 'string' } },
  },
} as const;

function checked(options: OpenApiOptions): { persona: JsonSchema; path: string } {
  const items = (options as Partial<OpenApiOptions> | undefined)?.schema?.items;
  if (typeof items !== 'object' || items === null) throw new PersonaPoolError('INVALID_OPTION', 'openApiDocument needs the option schema: import it from persona-pool/schema.json');
  const { path = OPENAPI_PATH } = options;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new PersonaPoolError('INVALID_OPTION', `openApiDocument: the option path must begin with /, got ${String(path)}`);
  return { persona: items as JsonSchema, path };
}

/**
 * An OpenAPI 3.1 document of the personas endpoint: GET, HEAD and PUT, their bodies, every error
 * status with its `{ "detail" }` body, the `ETag`, `If-None-Match`, `If-Match`, `Prefer` and
 * `Preference-Applied` headers, and a security requirement for the host to fill. The build writes
 * it for the default path as `persona-pool/openapi.json`; call this for another path.
 *
 * @param options - The pool file's JSON Schema (`persona-pool/schema.json`), the path, the security.
 * @returns A fresh document, for the host to merge into its own (`paths` and `components`).
 * @throws {PersonaPoolError} `INVALID_OPTION` without a schema, or for a path not beginning with `/`.
 *
 * @example
 * ```ts
 * import schema from 'persona-pool/schema.json' with { type: 'json' };
 * const personas = openApiDocument({ schema, path: '/admin/personas', security: [{ session: [] }] });
 * ```
 */
export function openApiDocument(options: OpenApiOptions): Record<string, unknown> {
  const { persona, path } = checked(options);
  const security = options.security ?? [{ [PLACEHOLDER]: [] }];
  const operations = { get: read('GET'), head: read('HEAD'), put: put() };
  const placeholder = { type: 'http', scheme: 'bearer', description: 'A placeholder: replace it with the scheme of your own authentication.' };
  return structuredClone({
    openapi: '3.1.0',
    info: { title: 'persona-pool', version: '1', description: 'The personas endpoint of persona-pool. Any other method is answered 405 `{ "detail" }` with `Allow: GET, HEAD, PUT`.' },
    paths: { [path]: Object.fromEntries(Object.entries(operations).map(([method, operation]) => [method, { ...operation, security }])) },
    components: {
      schemas: componentSchemas(persona),
      ...COMPONENTS,
      ...(options.security === undefined ? { securitySchemes: { [PLACEHOLDER]: placeholder } } : {}),
    },
  });
}
