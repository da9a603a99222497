// requestPath and onClientError: the pieces of a host that every recipe shares.
import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onClientError, requestPath } from '../../src/index.js';

describe('requestPath', () => {
  it.each([
    ['/api/v1/realism/personas', '/api/v1/realism/personas'],
    ['/api/v1/realism/personas?x=%&y', '/api/v1/realism/personas'],
    ['/a#frag', '/a'],
    ['/', '/'],
    ['//', '//'],
    ['///', '///'],
    ['//[', '//['],
    ['//a:b', '//a:b'],
    ['//%', '//%'],
    ['/api/v1/realism/%70ersonas', '/api/v1/realism/%70ersonas'],
    ['http://host/api/v1/realism/personas?q', '/api/v1/realism/personas'],
    ['HTTPS://host:8443//x', '//x'],
    ['http://[', '/'],
    ['http://host?q', '/'],
    ['http://', '/'],
  ])('reads %j as %j', (target, path) => {
    expect(requestPath(target)).toBe(path);
  });

  it.each(['*', 'host:443', '', 'api/v1', ':/x', undefined, 42, null])('finds no path in %j', (target) => {
    expect(requestPath(target as string | undefined)).toBeUndefined();
  });

  it('never throws, and gives a path that starts with / and holds no ? or #', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.string().map((s) => `/${s}`), fc.string().map((s) => `http://${s}`)), (target) => {
        const path = requestPath(target);
        if (path !== undefined) expect(path).toMatch(/^\/[^?#]*$/);
      }),
    );
  });
});

const servers: Server[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A node server answering 200 to what it can parse, and onClientError to what it cannot. */
async function serverWith(options: http.ServerOptions = {}): Promise<number> {
  const server = http.createServer(options, (_req, res) => res.end('ok')).on('clientError', onClientError);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends raw bytes; resolves with all the server sent once it closed the connection. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

function parse(response: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = response.split('\r\n\r\n', 2);
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) as unknown };
}

describe('onClientError', () => {
  it('answers a method HTTP does not know with 400 in the wire format, and closes the connection', async () => {
    const answer = parse(await exchange(await serverWith(), 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('content-type: application/json; charset=utf-8');
    expect(answer.headers).toContain('connection: close');
    expect(answer.body).toEqual({ detail: 'The request is not valid HTTP (HPE_INVALID_METHOD): the server could not read it' });
  });

  it('gives the exact Content-Length of the body', async () => {
    const response = await exchange(await serverWith(), 'GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n');
    const [head = '', body = ''] = response.split('\r\n\r\n', 2);
    expect(head).toMatch(new RegExp(`content-length: ${Buffer.byteLength(body)}\r?$`, 'm'));
    expect(parse(response).body).toEqual({ detail: expect.stringMatching(/^The request is not valid HTTP \(HPE_INVALID_HEADER_TOKEN\)/) });
  });

  it('answers headers too large with 431', async () => {
    const port = await serverWith({ maxHeaderSize: 1024 });
    const answer = parse(await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(4096)}\r\n\r\n`));
    expect(answer).toMatchObject({ status: 431, body: { detail: 'The request headers are too large: send fewer or shorter headers' } });
  });

  it('answers a request that does not arrive in time with 408', async () => {
    const port = await serverWith({ requestTimeout: 100, headersTimeout: 100, connectionsCheckingInterval: 20 } as http.ServerOptions);
    const answer = parse(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n'));
    expect(answer).toMatchObject({ status: 408, body: { detail: 'The request took too long to arrive: send it again' } });
  });

  it('maps each parser error to its status, and names an unknown one', () => {
    const sent: string[] = [];
    const socket = { writable: true, end: (text: string) => void sent.push(text), destroy: vi.fn() } as unknown as Duplex;
    onClientError(Object.assign(new Error('x'), { code: 'HPE_CHUNK_EXTENSIONS_OVERFLOW' }), socket);
    onClientError(new Error('no code'), socket);
    expect(sent[0]).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n[^]*\{"detail":"The request chunk extensions are too large"\}$/);
    expect(sent[1]).toMatch(/\{"detail":"The request is not valid HTTP \(unknown error\): the server could not read it"\}$/);
  });

  it.each([
    ['a reset connection', { code: 'ECONNRESET' }, { writable: true }],
    ['a connection no longer writable', { code: 'HPE_INVALID_METHOD' }, { writable: false }],
    ['a connection whose response has begun', { code: 'HPE_INVALID_METHOD' }, { writable: true, _httpMessage: { headersSent: true } }],
  ])('closes %s without writing to it', (_name, fields, state) => {
    const socket = { ...state, end: vi.fn(), destroy: vi.fn() };
    onClientError(Object.assign(new Error('x'), fields), socket as unknown as Duplex);
    expect(socket.end).not.toHaveBeenCalled();
    expect(socket.destroy).toHaveBeenCalledOnce();
  });

  it('writes when a response is in flight but has sent nothing yet', () => {
    const socket = { writable: true, _httpMessage: { headersSent: false }, end: vi.fn(), destroy: vi.fn() };
    onClientError(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), socket as unknown as Duplex);
    expect(socket.end).toHaveBeenCalledOnce();
  });
});
