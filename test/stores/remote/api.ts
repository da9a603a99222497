// A persona API on 127.0.0.1 for the remote store's tests: createPersonasHandler on node:http, every
// request as an admin, a GET held by `Prefer: wait` ended when the client goes away.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPersonasHandler, type PoolAccess } from '../../../src/index.js';

/** A running API server. */
export interface TestApi {
  /** The personas endpoint. */
  readonly url: string;
  /** How many requests it received. */
  readonly requests: () => number;
  /** Stops it, ending held requests. */
  readonly close: () => Promise<void>;
}

/**
 * Serves `pool` at `http://127.0.0.1:<port>/api/v1/realism/personas`.
 *
 * @param pool - The pool to serve.
 * @param port - The port (default: any free one).
 * @param token - When given, a request without `authorization: Bearer <token>` is answered 401.
 * @returns The server.
 */
export async function serveApi(pool: PoolAccess, port = 0, token?: string): Promise<TestApi> {
  const handle = createPersonasHandler({ pool });
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    if (req.url !== '/api/v1/realism/personas') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not found"}');
      return;
    }
    const user = token === undefined || req.headers.authorization === `Bearer ${token}` ? { role: 'admin' } : null;
    void handle({ method: req.method ?? 'GET', user, rawBody: req, headers: req.headers, signal: aborted.signal }).then(({ status, headers, body }) => {
      res.writeHead(status, headers).end(body ?? undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/api/v1/realism/personas`,
    requests: () => count,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
