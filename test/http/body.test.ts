// readJsonBody: a request body checked and parsed the same way for every host.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RawBody } from '../../src/index.js';
import { readJsonBody } from '../../src/http/body.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The same bytes in every form a host may pass, each a fresh stream. */
function forms(bytes: Uint8Array): Array<[string, () => RawBody]> {
  const half = Math.floor(bytes.length / 2);
  return [
    ['bytes', () => bytes],
    ['a Buffer', () => Buffer.from(bytes)],
    ['a node stream, in two chunks', () => Readable.from([Buffer.from(bytes.subarray(0, half)), Buffer.from(bytes.subarray(half))])],
    ['a web stream', () => new Blob([bytes]).stream()],
    ['a reader-only stream', () => readerOnly(bytes)],
  ];
}

/** A stream with `getReader` only, as a runtime whose ReadableStream is not async-iterable has. */
function readerOnly(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const stream = new Blob([bytes]).stream();
  return { getReader: () => stream.getReader() } as unknown as ReadableStream<Uint8Array>;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeDefined();
  return error as { code: string; status: number; message: string };
}

describe('readJsonBody', () => {
  it.each(forms(encode('{"personas": [{"name": "Zoë"}]}')))('parses JSON from %s', async (_name, body) => {
    expect(await readJsonBody(body(), JSON_HEADERS)).toEqual({ personas: [{ name: 'Zoë' }] });
  });

  it('reads a node stream that yields text, and drops a leading BOM', async () => {
    expect(await readJsonBody(Readable.from(['{"a":', ' 1}']), JSON_HEADERS)).toEqual({ a: 1 });
    expect(await readJsonBody(encode('\uFEFF{"a": 2}'), JSON_HEADERS)).toEqual({ a: 2 });
  });

  it('returns any JSON value, null included: the shape is the handler\'s to check', async () => {
    expect(await readJsonBody(encode('null'), JSON_HEADERS)).toBeNull();
    expect(await readJsonBody(encode('[1]'), JSON_HEADERS)).toEqual([1]);
  });

  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
    'application/json; charset=utf8; q=1',
    'application/merge-patch+json',
    'application/vnd.decnet.personas+json; version=2',
  ])('accepts Content-Type %j', async (type) => {
    expect(await readJsonBody(encode('{}'), { 'content-type': type })).toEqual({});
  });

  it.each([
    ['none', {}, /^The request has no Content-Type: send the body as JSON, with Content-Type: application\/json$/],
    ['a blank one', { 'content-type': ' ' }, /^The request has no Content-Type/],
    ['text/plain', { 'content-type': 'text/plain' }, /^The request body is "text\/plain", not JSON: send it as JSON, with Content-Type: application\/json$/],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, /"application\/x-www-form-urlencoded", not JSON/],
    ['garbage', { 'content-type': ';;;' }, /^The request body is "", not JSON/],
    ['json without a type', { 'content-type': 'json' }, /"json", not JSON/],
    ['a +json look-alike', { 'content-type': 'application/json+xml' }, /not JSON/],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }, /^The request body is in charset "latin1": send the JSON in UTF-8$/],
    ['a long one, shortened', { 'content-type': `text/${'x'.repeat(500)}` }, /^The request body is "text\/x{75}…", not JSON/],
  ])('answers 415 to %s', async (_name, headers, message) => {
    expect(await failure(readJsonBody(encode('{}'), headers))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, message: expect.stringMatching(message) });
  });

  it('reads the Content-Type from a fetch Headers object too', async () => {
    expect(await readJsonBody(encode('{}'), new Headers(JSON_HEADERS))).toEqual({});
    expect((await failure(readJsonBody(encode('{}'), new Headers()))).status).toBe(415);
  });

  it.each([
    ['nothing', new Uint8Array(0)],
    ['null', null],
    ['blanks', encode(' \n\t ')],
  ])('answers 400 to an empty body: %s', async (_name, body) => {
    expect(await failure(readJsonBody(body, JSON_HEADERS))).toMatchObject({
      code: 'INVALID_BODY',
      status: 400,
      message: 'The request body is empty: send {"personas": [...]} as JSON',
    });
  });

  it.each(forms(new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])))('answers 400 to bytes that are not UTF-8, from %s', async (_name, body) => {
    expect(await failure(readJsonBody(body(), JSON_HEADERS))).toMatchObject({
      code: 'INVALID_BODY',
      status: 400,
      message: 'The request body is not valid UTF-8: send the JSON encoded as UTF-8',
    });
  });

  it('answers 400 to an overlong or surrogate encoding, which toString(\'utf8\') would have let through as U+FFFD', async () => {
    for (const bytes of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      const body = new Uint8Array([0x22, ...bytes, 0x22]);
      expect((await failure(readJsonBody(body, JSON_HEADERS))).code).toBe('INVALID_BODY');
    }
  });

  it('answers 400 to text that is not JSON, with the line and column of the fault', async () => {
    expect(await failure(readJsonBody(encode('{"personas": [\n  {"name": }]}'), JSON_HEADERS))).toMatchObject({
      code: 'INVALID_BODY',
      status: 400,
      message: 'The request body is not valid JSON (line 2, column 12): send {"personas": [...]}',
    });
  });

  it('answers 413 to a declared Content-Length over the limit, without reading the body', async () => {
    let read = false;
    const body = new Readable({ read: () => void (read = true) });
    const error = await failure(readJsonBody(body, { ...JSON_HEADERS, 'content-length': '11' }, 10));
    expect(error).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413, message: "The request body is larger than 10 bytes: send fewer personas, or raise the handler's maxBodyBytes" });
    expect(read).toBe(false);
  });

  it.each(forms(encode('{"a": "0123456789"}')))('answers 413 to %s over the limit, reading it to its end', async (_name, body) => {
    const stream = body();
    expect((await failure(readJsonBody(stream, JSON_HEADERS, 10))).code).toBe('BODY_TOO_LARGE');
    if (stream instanceof Readable) expect(stream.readableEnded).toBe(true);
  });

  it('accepts a body of exactly the limit, and a limit of 0 for an empty one', async () => {
    expect(await readJsonBody(Readable.from([encode('[1, '), encode('2]')]), JSON_HEADERS, 6)).toEqual([1, 2]);
    expect((await failure(readJsonBody(encode('[]'), JSON_HEADERS, 0))).code).toBe('BODY_TOO_LARGE');
    expect((await failure(readJsonBody(null, JSON_HEADERS, 0))).code).toBe('INVALID_BODY');
  });

  it('takes an undefined maxBodyBytes as its default, 16 MiB', async () => {
    const at = (length: number) => readJsonBody(encode('[]'), { ...JSON_HEADERS, 'content-length': String(length) }, undefined);
    expect(await at(16 * 1024 * 1024)).toEqual([]);
    expect((await failure(at(16 * 1024 * 1024 + 1))).code).toBe('BODY_TOO_LARGE');
  });

  it.each([-1, 1.5, Number.NaN, Infinity, '10'])('refuses a maxBodyBytes of %j with INVALID_OPTION', async (limit) => {
    expect((await failure(readJsonBody(encode('[]'), JSON_HEADERS, limit as number))).code).toBe('INVALID_OPTION');
  });

  it('ignores a Content-Length that is not a number', async () => {
    expect(await readJsonBody(encode('[]'), { ...JSON_HEADERS, 'content-length': 'many' }, 10)).toEqual([]);
  });

  it('answers 400 to a body cut short (the client went away)', async () => {
    const body = new Readable({ read() {} });
    body.push('{"personas": [');
    setImmediate(() => body.destroy(new Error('aborted')));
    expect(await failure(readJsonBody(body, JSON_HEADERS))).toMatchObject({
      code: 'INVALID_BODY',
      status: 400,
      message: 'The request body ended before it was complete: send it again',
    });
  });

  it('checks the Content-Type before the size, and the size before the bytes', async () => {
    const notUtf8 = new Uint8Array(20).fill(0xff);
    expect((await failure(readJsonBody(notUtf8, { 'content-type': 'text/plain', 'content-length': '20' }, 10))).status).toBe(415);
    expect((await failure(readJsonBody(notUtf8, JSON_HEADERS, 10))).status).toBe(413);
    expect((await failure(readJsonBody(notUtf8, JSON_HEADERS, 20))).status).toBe(400);
  });
});
