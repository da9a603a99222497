// The HTTP/2 recipe of docs/http.md, run as documented (child process, the stand-in auth, a
// self-signed certificate made here): HTTP/2 and, through allowHTTP1, HTTP/1.1 clients get the same
// answers; the stand-in takes the role from its header or its cookie; a held GET shares the
// connection with other requests. (Chromium drives it in test/browser/chromium.test.ts.)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http2 from 'node:http2';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../src/index.js';
import { ANN, BOB, poolFile, removeTempFolders } from '../helpers/http.js';
import { documented, recipeFolder, runRecipe, type RunningRecipe } from '../helpers/http-recipes.js';

const ROUTE = '/api/v1/realism/personas';
let folder = '';
let recipe: RunningRecipe;
let ca: Buffer;
let path = '';
let session: http2.ClientHttp2Session;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

/** One request over the HTTP/2 session. */
function h2(headers: http2.OutgoingHttpHeaders, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': ROUTE, ...headers });
    let text = '';
    let answer: Record<string, unknown> = {};
    stream.on('response', (received) => (answer = received));
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    stream.on('end', () => resolve({ status: Number(answer[':status']), headers: answer, body: text }));
    stream.on('error', reject);
    stream.end(body);
  });
}

/** One request over HTTP/1.1 (allowHTTP1). */
function h1(headers: Record<string, string>, target = ROUTE): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port: recipe.port, path: target, ca, headers, agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: { ...response.headers, version: response.httpVersion }, body: text }));
    });
    request.on('error', reject);
    request.end();
  });
}

beforeAll(async () => {
  folder = recipeFolder();
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', ...subject], { cwd: folder, stdio: 'ignore' });
  ca = fs.readFileSync(join(folder, 'cert.pem'));
  path = poolFile([ANN]);
  recipe = await runRecipe(folder, 'http2', documented('http2'), path);
  session = http2.connect(`https://127.0.0.1:${recipe.port}`, { ca });
});

afterAll(async () => {
  session?.close();
  await recipe?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
  removeTempFolders();
});

describe('the HTTP/2 recipe', () => {
  it('serves HTTP/2 and HTTP/1.1 alike, the role from the header or the cookie', async () => {
    const byHeader = await h2({ 'x-demo-role': 'viewer' });
    const byCookie = await h1({ cookie: 'theme=dark; demo-role=viewer' });
    expect([byHeader.status, byCookie.status, byCookie.headers['version']]).toEqual([200, 200, '1.1']);
    expect(JSON.parse(byHeader.body)).toEqual(JSON.parse(byCookie.body));
    expect(byHeader.headers['etag']).toBe(byCookie.headers['etag']);
    expect((await h2({})).status).toBe(401);
    expect(await h1({ cookie: 'demo-role=viewer' }, '/other')).toMatchObject({ status: 404, body: '{"detail":"Not found"}' });
  });

  it('writes for an admin over HTTP/2, and answers a GET while another is held on the same connection', async () => {
    const put = await h2({ ':method': 'PUT', 'x-demo-role': 'admin', 'content-type': 'application/json' }, JSON.stringify({ personas: [ANN, BOB] }));
    expect(put.status).toBe(200);
    const etag = String(put.headers['etag']);
    const held = h2({ 'x-demo-role': 'viewer', 'if-none-match': etag, prefer: 'wait=30' });
    expect((await h2({ 'x-demo-role': 'viewer' })).status).toBe(200);
    const { version } = await new PersonaPool({ path }).replace([BOB]);
    const released = await held;
    expect([released.status, released.headers['preference-applied'], released.headers['etag']]).toEqual([200, 'wait=30', `"${version}"`]);
  });
});
