/** The `content-type` of every JSON answer. */
export const JSON_TYPE = 'application/json; charset=utf-8';

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
 * One pass over the record's own keys, no array built for the common case (one key, a string):
 * node's `req.headers` has lower-case names, so `key === name` hits at once; another key is
 * lower-cased only when its length is the name's (an ASCII name, lower-case, is matched by
 * same-length keys only).
 *
 * @param headers - The request headers, if any.
 * @param name - The header name, lower-case ASCII.
 * @returns The value, or undefined when the header is absent.
 */
export function headerValue(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (isHeadersLike(headers)) return headers.get(name) ?? undefined;
  let values: unknown[] | undefined;
  for (const key in headers) {
    if (key !== name && (key.length !== name.length || key.toLowerCase() !== name)) continue;
    const value = headers[key];
    if (value === undefined || !Object.hasOwn(headers, key)) continue;
    values ??= [];
    if (Array.isArray(value)) values.push(...(value as readonly unknown[]));
    else values.push(value);
  }
  if (values === undefined || values.length === 0) return undefined;
  return values.length === 1 && typeof values[0] === 'string' ? values[0] : values.join(', ');
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
  const versions: string[] = [];
  for (const raw of header.split(',')) {
    const version = untagged(raw.trim());
    if (version !== '') versions.push(version);
  }
  return versions;
}

/** One trimmed tag without its weak prefix `W/` and its quotes (the regex-free `/^W\//` and `/^"(.*)"$/s`). */
function untagged(tag: string): string {
  const strong = tag.startsWith('W/') ? tag.slice(2) : tag;
  return strong.length >= 2 && strong.startsWith('"') && strong.endsWith('"') ? strong.slice(1, -1) : strong;
}
