import { PersonaPoolError } from '../errors.js';
import { headerValue, type RequestHeaders } from './headers.js';
import type { RawBody } from './types.js';
import { locateJsonError } from '../persona/json-error.js';

/** The default cap of a body read from `rawBody`: 16 MiB, the pool's own default `maxBytes`. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A media type `type/subtype+json` (RFC 6839), in RFC 9110 token characters. */
const JSON_SUFFIX = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\+json$/;
const UTF8 = new Set(['utf-8', 'utf8']);
/** The most characters of a client's `Content-Type` repeated in a message. */
const SHOWN = 80;
const WITH_JSON_TYPE = 'with Content-Type: application/json';

const decoder = new TextDecoder('utf-8', { fatal: true });

function unsupported(message: string): PersonaPoolError {
  return new PersonaPoolError('UNSUPPORTED_MEDIA_TYPE', message);
}

function shown(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

/** The charset a `Content-Type`'s parameters name, lower-case and unquoted; undefined when none. */
function charsetOf(parameters: readonly string[]): string | undefined {
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=', 2).map((part) => part.trim().toLowerCase());
    if (name === 'charset') return value.replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/**
 * Checks that a body's `Content-Type` is JSON: `application/json` or any `type/subtype+json`, in
 * any case, with parameters; a charset, if named, must be UTF-8.
 */
function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') {
    throw unsupported(`The request has no Content-Type: send the body as JSON, ${WITH_JSON_TYPE}`);
  }
  const [type = '', ...parameters] = contentType.split(';');
  const media = type.trim().toLowerCase();
  if (media !== 'application/json' && !JSON_SUFFIX.test(media)) {
    throw unsupported(`The request body is ${JSON.stringify(shown(media))}, not JSON: send it as JSON, ${WITH_JSON_TYPE}`);
  }
  const charset = charsetOf(parameters);
  if (charset !== undefined && !UTF8.has(charset)) {
    throw unsupported(`The request body is in charset ${JSON.stringify(shown(charset))}: send the JSON in UTF-8`);
  }
}

function tooLarge(limit: number): PersonaPoolError {
  return new PersonaPoolError('BODY_TOO_LARGE', `The request body is larger than ${limit} bytes: send fewer personas, or raise the handler's maxBodyBytes`);
}

/** A web stream read with its reader, for a runtime whose `ReadableStream` is not async-iterable. */
async function* readerChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
}

/**
 * Reads a body to its end, keeping at most `limit` bytes. Past the limit it reads on and keeps
 * nothing, so the stream is not destroyed and the client gets its 413 instead of a reset connection.
 */
async function readBytes(raw: Exclude<RawBody, Uint8Array | null>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const source = Symbol.asyncIterator in raw ? raw : readerChunks(raw);
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size <= limit) chunks.push(bytes);
    }
  } catch (error) {
    throw new PersonaPoolError('INVALID_BODY', 'The request body ended before it was complete: send it again', { cause: error });
  }
  if (size > limit) throw tooLarge(limit);
  return Buffer.concat(chunks, size);
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (error) {
    throw new PersonaPoolError('INVALID_BODY', 'The request body is not valid UTF-8: send the JSON encoded as UTF-8', { cause: error });
  }
  if (text.trim() === '') throw new PersonaPoolError('INVALID_BODY', 'The request body is empty: send {"personas": [...]} as JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const { line, column } = locateJsonError(text, error);
    throw new PersonaPoolError('INVALID_BODY', `The request body is not valid JSON (line ${line}, column ${column}): send {"personas": [...]}`, { cause: error });
  }
}

/**
 * Reads a request body as JSON, checking it in this order: the `Content-Type` must be JSON
 * (`application/json` or `…+json`, parameters allowed, a charset only UTF-8), a declared
 * `Content-Length` and the bytes read must not pass `maxBodyBytes`, the bytes must be strict UTF-8
 * (a BOM is dropped) and not blank, and the text must be JSON. The handler does this for a
 * `rawBody`; call it yourself when you build on `replacePersonas`.
 *
 * @param rawBody - The body unread: node's `req`, a fetch body, or bytes; null for none.
 * @param headers - The request headers; `content-type` and `content-length` are read.
 * @param maxBodyBytes - The most bytes accepted. Default 16 MiB.
 * @returns The parsed JSON value (any value: the handler then checks it is `{ "personas": [...] }`).
 * @throws {PersonaPoolError} `UNSUPPORTED_MEDIA_TYPE` (415), `BODY_TOO_LARGE` (413), `INVALID_BODY`
 * (400: empty, not UTF-8, not JSON, or cut short); `INVALID_OPTION` for a `maxBodyBytes` that is not
 * a whole number ≥ 0 (`undefined` is the default).
 *
 * @example
 * ```ts
 * const body = await readJsonBody(req, req.headers);
 * await replacePersonas({ pool, user, body });
 * ```
 */
export async function readJsonBody(rawBody: RawBody, headers: RequestHeaders | undefined, maxBodyBytes: number = MAX_BODY_BYTES): Promise<unknown> {
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw new PersonaPoolError('INVALID_OPTION', `readJsonBody: maxBodyBytes must be a whole number of bytes ≥ 0, got ${String(maxBodyBytes)}`);
  }
  checkContentType(headerValue(headers, 'content-type'));
  if (Number(headerValue(headers, 'content-length')) > maxBodyBytes) throw tooLarge(maxBodyBytes);
  if (rawBody === null) return parseJson(new Uint8Array(0));
  if (rawBody instanceof Uint8Array) {
    if (rawBody.length > maxBodyBytes) throw tooLarge(maxBodyBytes);
    return parseJson(rawBody);
  }
  return parseJson(await readBytes(rawBody, maxBodyBytes));
}
