import type { Duplex } from 'node:stream';
import { JSON_TYPE } from './headers.js';

/** The scheme and authority of an absolute-form target (`http://host:port`), which may be malformed. */
const ORIGIN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * The path of a request target, as node's `req.url` gives it, compared as sent (not decoded):
 * the origin form `/a/b?q` gives `/a/b`; the absolute form `http://host/a/b?q` gives `/a/b` (and
 * `/` when it has no path). It never throws, whatever the target: `//`, `//[`, `//%` or
 * `http://[` are paths like any other (none of them is a route), which `new URL(req.url, base)`
 * would throw on.
 *
 * @param target - The request target (`req.url`); anything else gives undefined.
 * @returns The path, or undefined for a target with none (`*`, `host:443`, a missing one).
 *
 * @example
 * ```ts
 * if (requestPath(req.url) !== '/api/v1/realism/personas') return send(res, errorResponse(404, 'Not found'));
 * ```
 */
export function requestPath(target: string | undefined): string | undefined {
  if (typeof target !== 'string') return undefined;
  let path = target;
  if (!path.startsWith('/')) {
    const origin = ORIGIN.exec(path);
    if (origin === null) return undefined;
    path = `/${path.slice(origin[0].length).replace(/^\//, '')}`;
  }
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/** The answer node's own `clientError` default gives to an error code, with a body in the wire format. */
function clientAnswer(code: string | undefined): { status: string; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: '431 Request Header Fields Too Large', detail: 'The request headers are too large: send fewer or shorter headers' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: '413 Payload Too Large', detail: 'The request chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: '408 Request Timeout', detail: 'The request took too long to arrive: send it again' };
    default:
      return { status: '400 Bad Request', detail: `The request is not valid HTTP (${code ?? 'unknown error'}): the server could not read it` };
  }
}

/**
 * A `clientError` listener for a node HTTP server (and Fastify's `clientErrorHandler`): answers
 * what node's HTTP parser refuses before any framework sees it — a method HTTP does not know
 * (`FOO / HTTP/1.1`), a malformed request line or header, headers too large, a request too slow —
 * with the status node would send (400, 431, 413, 408) and a body in the wire format,
 * `{ "detail": "..." }`, then closes the connection. Node's default sends no body, Fastify's its
 * own: with this listener every recipe answers alike. A connection already reset, or one whose
 * response has begun, is closed without a word, as node does.
 *
 * @param error - The parser's error; its `code` picks the status.
 * @param socket - The client's connection.
 *
 * @example
 * ```ts
 * createServer(listener).on('clientError', onClientError).listen(8080);
 * ```
 */
export function onClientError(error: Error & { readonly code?: string }, socket: Duplex): void {
  const inFlight = (socket as Partial<{ readonly _httpMessage: { readonly headersSent?: boolean } | null }>)._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const { status, detail } = clientAnswer(error.code);
  const body = JSON.stringify({ detail });
  const head = `HTTP/1.1 ${status}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}
