// The recipes of docs/recipes.md (or docs/http.md) as child processes: each code block marked `<!-- recipe: NAME -->` is
// extracted from the Markdown as it is, written as an .mjs module into a temp folder whose node_modules
// points `persona-pool` at this repository (its built dist/), and run with PORT=0 and
// DECNET_REALISM_PERSONAS. Plus a raw HTTP/1.1 client, for requests fetch will not send.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './common.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The pages holding recipes: docs/recipes.md, and docs/http.md for any recipe kept there. */
const DOCS = [join(ROOT, 'docs', 'recipes.md'), join(ROOT, 'docs', 'http.md')];
/** The packages the recipes import, linked from this repository's node_modules. */
const PACKAGES = ['express', 'fastify', 'hono', '@hono'];
/** The line of every recipe that the documented variants replace. */
export const HANDLER_LINE = 'const handle = createPersonasHandler({ pool: new PersonaPool() });';
/** The same line in the recipes of fetch-style hosts. */
export const FETCH_HANDLER_LINE = 'const handle = createPersonasFetchHandler({ pool: new PersonaPool() });';

/**
 * The recipe `name` with its handler line replaced by the documented variant `variant` (written
 * with `createPersonasHandler`, and taken with `createPersonasFetchHandler` in a fetch recipe).
 * Throws unless the recipe has exactly one handler line.
 */
export function withVariant(code: string, variant: string): string {
  const fetchStyle = code.includes(FETCH_HANDLER_LINE);
  const line = fetchStyle ? FETCH_HANDLER_LINE : HANDLER_LINE;
  if (code.split(line).length !== 2) throw new Error(`the recipe must hold the line ${line} once`);
  const replacement = documented(variant, 'recipe-variant').trimEnd();
  return code.replace(line, fetchStyle ? replacement.replace('createPersonasHandler(', 'createPersonasFetchHandler(') : replacement);
}

/** The code of the block marked `<!-- KIND: NAME -->` in docs/recipes.md or docs/http.md, exactly as shown. */
export function documented(name: string, kind = 'recipe'): string {
  const marker = `<!-- ${kind}: ${name} -->\n\`\`\`js\n`;
  for (const doc of DOCS) {
    const text = fs.readFileSync(doc, 'utf8');
    const start = text.indexOf(marker);
    if (start === -1) continue;
    const from = start + marker.length;
    return text.slice(from, text.indexOf('\n```', from) + 1);
  }
  throw new Error(`docs/recipes.md has no block marked <!-- ${kind}: ${name} -->`);
}

/**
 * A folder holding `auth.mjs` (the documented stand-in) and a node_modules where `persona-pool` is
 * this repository and the frameworks are its dev dependencies.
 */
export function recipeFolder(): string {
  const folder = tempDir('persona-pool-recipes-');
  fs.mkdirSync(join(folder, 'node_modules'));
  fs.symlinkSync(ROOT, join(folder, 'node_modules', 'persona-pool'), 'dir');
  for (const name of PACKAGES) fs.symlinkSync(join(ROOT, 'node_modules', name), join(folder, 'node_modules', name), 'dir');
  fs.writeFileSync(join(folder, 'auth.mjs'), documented('auth'));
  return folder;
}

/** A recipe running in a child process. */
export interface RunningRecipe {
  readonly port: number;
  /** The route's URL. */
  readonly url: string;
  readonly child: ChildProcess;
  /** All the child wrote to stderr so far. */
  stderr(): string;
  /** Ends the child (SIGTERM) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Runs `code` as `<name>.mjs` in `folder`; resolves once it prints the address it listens on. */
export function runRecipe(folder: string, name: string, code: string, pool: string): Promise<RunningRecipe> {
  const file = join(folder, `${name}.mjs`);
  fs.writeFileSync(file, code);
  const env = { ...process.env, PORT: '0', DECNET_REALISM_PERSONAS: pool, DEBUG: '' };
  const child = spawn(process.execPath, [file], { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /Listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
      if (port === undefined) return;
      resolve({
        port: Number(port),
        url: `http://127.0.0.1:${port}/api/v1/realism/personas`,
        child,
        stderr: () => stderr,
        stop: () => (child.exitCode === null && child.signalCode === null && child.kill(), exited),
      });
    });
  });
}

/** An answer read off the wire. */
export interface RawAnswer {
  /** The status; 0 when the server closed the connection without answering. */
  readonly status: number;
  /** The headers, names lower-case. */
  readonly headers: ReadonlyMap<string, string>;
  /** The body as text, de-chunked. */
  readonly body: string;
}

function dechunk(text: string): string {
  let body = '';
  for (let at = 0; ; ) {
    const eol = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, eol), 16);
    if (!(size > 0)) return body;
    body += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

function parseAnswer(raw: string): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) return { status: 0, headers: new Map(), body: raw };
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
  const rest = raw.slice(split + 4);
  return { status: Number(statusLine.split(' ')[1]), headers, body: headers.get('transfer-encoding') === 'chunked' ? dechunk(rest) : rest };
}

/**
 * Sends raw bytes on a new connection (never half-closing it: node would drop a half-closed
 * request) and resolves with what came back once the server closed the connection.
 */
export function exchange(port: number, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(parseAnswer(Buffer.concat(chunks).toString('utf8'))));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

/** A request as raw bytes: `Host` and `Connection: close` added, and `Content-Length` when a body is given. */
export function rawRequest(head: string, headers: Readonly<Record<string, string>> = {}, body?: string | Buffer): Buffer {
  const lines = [head, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(body ?? '')]);
}
