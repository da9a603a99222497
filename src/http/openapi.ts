import { PersonaPoolError } from '../errors.js';
import { poolPaths } from './openapi-paths.js';
import { componentSchemas, type JsonSchema } from './openapi-schemas.js';

/** The path the shipped `persona-pool/openapi.json` describes. */
export const OPENAPI_PATH = '/api/v1/realism/personas';

/** The path of the named pools the shipped `persona-pool/openapi.json` describes. */
export const OPENAPI_POOLS_PATH = '/topologies/{id}/personas';

/** The name of the placeholder security scheme, for the host to replace. */
const PLACEHOLDER = 'PersonaPoolAuth';

/** A server of the document: where the paths are served. */
export interface OpenApiServer {
  /** The base URL, absolute or relative to the document (`/`). */
  readonly url: string;
  /** What the server is, for a reader. */
  readonly description?: string;
}

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
  /**
   * The path of the named pools (`createPoolsHandler`), holding `{id}`; `null` leaves them out.
   * Default `/topologies/{id}/personas`.
   */
  readonly poolsPath?: string | null | undefined;
  /** The document's `servers`. Default `[{ url: '/' }]`: the host that serves the document. */
  readonly servers?: readonly OpenApiServer[] | undefined;
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
    PersonaPoolId: { name: 'id', in: 'path', required: true, description: 'The pool\'s id, as the host\'s `resolve` reads it.', schema: { type: 'string' } },
  },
  responses: {
    PersonaPoolMethodNotAllowed: {
      description: 'A method the path does not serve; `Allow` lists those it does.',
      headers: { Allow: { description: 'The methods served, such as `GET, HEAD, PUT`.', schema: { type: 'string' } } },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/PersonaPoolError' } } },
    },
  },
} as const;

function checked(options: OpenApiOptions): { persona: JsonSchema; path: string; poolsPath: string | null } {
  const items = (options as Partial<OpenApiOptions> | undefined)?.schema?.items;
  if (typeof items !== 'object' || items === null) throw new PersonaPoolError('INVALID_OPTION', 'openApiDocument needs the option schema: import it from persona-pool/schema.json');
  const { path = OPENAPI_PATH, poolsPath = OPENAPI_POOLS_PATH, servers } = options;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new PersonaPoolError('INVALID_OPTION', `openApiDocument: the option path must begin with /, got ${String(path)}`);
  if (poolsPath !== null && (typeof poolsPath !== 'string' || !poolsPath.startsWith('/') || poolsPath.split('{id}').length !== 2)) {
    throw new PersonaPoolError('INVALID_OPTION', `openApiDocument: the option poolsPath must begin with / and hold {id} once (or be null), got ${String(poolsPath)}`);
  }
  if (servers !== undefined && (!Array.isArray(servers) || !servers.every((server) => typeof server?.url === 'string'))) {
    throw new PersonaPoolError('INVALID_OPTION', 'openApiDocument: the option servers must be a list of { url }');
  }
  return { persona: items as JsonSchema, path, poolsPath };
}

/**
 * An OpenAPI 3.1 document of the personas endpoints: GET, HEAD and PUT of a pool, its history and
 * restore, the same for named pools (`{id}`), request and response bodies as separate schemas
 * (requests as lax as the server, responses exact), every error status with its `{ "detail" }`
 * body, the headers, `servers`, `license`, and a security requirement for the host to fill. The
 * build writes it with the defaults as `persona-pool/openapi.json`; call this for other paths.
 *
 * @param options - The pool file's JSON Schema (`persona-pool/schema.json`), the paths, the security, the servers.
 * @returns A fresh document, for the host to merge into its own (`paths` and `components`).
 * @throws {PersonaPoolError} `INVALID_OPTION` without a schema, for a path not beginning with `/`, a
 *   `poolsPath` without `{id}`, or `servers` that are not a list of `{ url }`.
 *
 * @example
 * ```ts
 * import schema from 'persona-pool/schema.json' with { type: 'json' };
 * const personas = openApiDocument({ schema, path: '/admin/personas', security: [{ session: [] }] });
 * ```
 */
export function openApiDocument(options: OpenApiOptions): Record<string, unknown> {
  const { persona, path, poolsPath } = checked(options);
  const security = options.security ?? [{ [PLACEHOLDER]: [] }];
  const placeholder = { type: 'http', scheme: 'bearer', description: 'A placeholder: replace it with the scheme of your own authentication.' };
  return structuredClone({
    openapi: '3.1.0',
    info: {
      title: 'persona-pool',
      version: '1',
      description: 'The personas endpoints of persona-pool. A method a path does not serve is answered 405 `{ "detail" }` with `Allow`.',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    servers: options.servers ?? [{ url: '/', description: 'The host serving this document.' }],
    paths: { ...poolPaths(path, false, security), ...(poolsPath === null ? {} : poolPaths(poolsPath, true, security)) },
    components: {
      schemas: componentSchemas(persona),
      ...COMPONENTS,
      ...(options.security === undefined ? { securitySchemes: { [PLACEHOLDER]: placeholder } } : {}),
    },
  });
}
