/** Anything with a fetch-style `get(name)`: a `Headers` object (Hono's `c.req.raw.headers`, fetch). */
export interface HeadersLike {
  /**
   * One header's value, its name in any case.
   *
   * @param name - The header name.
   * @returns The value, or null when absent.
   */
  get(name: string): string | null;
}

/**
 * The request headers, as the host has them: node's `req.headers` (names in any case, values
 * strings or lists), or a fetch `Headers` object.
 */
export type RequestHeaders = HeadersLike | Readonly<Record<string, string | readonly string[] | undefined>>;

function isHeadersLike(headers: RequestHeaders): headers is HeadersLike {
  return typeof (headers as Partial<HeadersLike>).get === 'function';
}

/**
 * One request header, its name matched in any case; repeated headers joined with `, `.
 *
 * @param headers - The request headers, if any.
 * @param name - The header name, lower-case.
 * @returns The value, or undefined when the header is absent.
 */
export function headerValue(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (isHeadersLike(headers)) return headers.get(name) ?? undefined;
  const values = Object.entries(headers)
    .filter(([key, value]) => key.toLowerCase() === name && value !== undefined)
    .flatMap(([, value]) => value as string | readonly string[]);
  return values.length === 0 ? undefined : values.join(', ');
}

/**
 * The ETag of a pool version: the version, quoted.
 *
 * @param version - A pool version.
 * @returns The entity tag.
 */
export function etagOf(version: string): string {
  return `"${version}"`;
}

/**
 * The versions an `If-Match` / `If-None-Match` value lists: the weak prefix `W/` and the quotes
 * dropped (a bare version is taken as it is), `*` kept as `*`.
 *
 * @param header - The header value, if any.
 * @returns The versions; empty when the header is absent or blank.
 */
export function taggedVersions(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/s, '$1'))
    .filter((tag) => tag !== '');
}
