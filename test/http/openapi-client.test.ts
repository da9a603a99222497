// dist/openapi.json as a generated client uses it: openapi-typescript turns it into types, a small
// openapi-fetch client is compiled against them with `tsc --strict` (a minimal PUT body; `language`
// read as a string) and run against a real server on 127.0.0.1. Plus `redocly lint` (recommended
// ruleset) on the document, run offline.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonasHandler, PersonaPool } from '../../src/index.js';
import { ADMIN, poolFile, removeTempFolders, tempFolder, VIEWER } from '../helpers/http.js';
import { runNode } from '../helpers/common.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = join(ROOT, 'dist', 'openapi.json');
const bin = (name: string, file: string) => join(ROOT, 'node_modules', name, file);
const TOKENS: Readonly<Record<string, unknown>> = { 'admin-token': ADMIN, 'viewer-token': VIEWER };

/** The client, as a user of the generated types writes it. */
const CLIENT = `import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const client = createClient<paths, 'application/json'>({ baseUrl: process.argv[2] });
const auth = (token: string) => ({ Authorization: \`Bearer \${token}\` });
const route = '/api/v1/realism/personas';

const put = await client.PUT(route, { body: { personas: [{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' }] }, headers: auth('admin-token') });
if (put.data === undefined) throw new Error(\`PUT failed: \${put.response.status}\`);
const language: string = put.data.personas[0].language;
const heavy: boolean = put.data.personas[0].uses_llms_heavily;

const get = await client.GET(route, { headers: auth('viewer-token') });
if (get.data === undefined) throw new Error(\`GET failed: \${get.response.status}\`);
const names: string[] = get.data.personas.map((persona) => persona.name);
const version: string = get.data.version;

const denied = await client.PUT(route, { body: { personas: [] }, headers: auth('viewer-token') });
const detail: string | undefined = denied.error?.detail;

console.log(JSON.stringify({ put: put.response.status, language, heavy, get: get.response.status, names, version, etag: get.response.headers.get('etag'), denied: denied.response.status, detail }));
`;

/** `tsc --strict` on one file of the folder (ES2022, NodeNext, node's types): its errors, or ''. */
function compile(file: string): string {
  const tsc = ['--strict', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', '--skipLibCheck', file];
  try {
    execFileSync(process.execPath, [bin('typescript', 'bin/tsc'), ...tsc], { cwd: folder, stdio: 'pipe' });
    return '';
  } catch (error) {
    return String((error as { stdout?: unknown }).stdout);
  }
}

let folder = '';
let server: Server;
let base = '';

beforeAll(async () => {
  if (!fs.existsSync(DOC)) execFileSync(process.execPath, [join(ROOT, '.config', 'build.mjs')], { stdio: 'inherit' });
  folder = tempFolder();
  fs.mkdirSync(join(folder, 'node_modules'));
  fs.symlinkSync(join(ROOT, 'node_modules', 'openapi-fetch'), join(folder, 'node_modules', 'openapi-fetch'), 'dir');
  fs.mkdirSync(join(folder, 'node_modules', '@types'));
  fs.symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(folder, 'node_modules', '@types', 'node'), 'dir');
  fs.writeFileSync(join(folder, 'package.json'), '{ "type": "module" }\n');
  const handle = createPersonasHandler({ pool: new PersonaPool({ path: poolFile(), languageDefault: 'en' }) });
  server = createServer((req, res) => {
    const user = TOKENS[/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''] ?? null;
    void handle({ method: req.method ?? 'GET', user, rawBody: req, headers: req.headers }).then(({ status, headers, body }) => res.writeHead(status, headers).end(body ?? undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  removeTempFolders();
});

describe('a client generated from dist/openapi.json', () => {
  it('generates types, compiles a strict openapi-fetch client against them, and runs it against a server', async () => {
    execFileSync(process.execPath, [bin('openapi-typescript', 'bin/cli.js'), DOC, '-o', join(folder, 'api.d.ts')], { stdio: 'pipe' });
    fs.writeFileSync(join(folder, 'client.ts'), CLIENT);
    expect(compile('client.ts')).toBe('');
    const run = await runNode(join(folder, 'client.js'), [base]);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toEqual({ put: 200, language: 'en', heavy: false, get: 200, names: ['Ann Lee'], version: expect.any(String) as unknown, etag: `"${String(result['version'])}"`, denied: 403, detail: 'Insufficient permissions' });
  });

  it('does not compile a client that reads a response field as null, or sends a PUT without role', () => {
    const wrong = CLIENT.replace("const language: string = put.data.personas[0].language;", "const language: null = put.data.personas[0].language;")
      .replace("[{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' }]", "[{ name: 'Ann Lee', email: 'ann@corp.example' }]");
    fs.writeFileSync(join(folder, 'wrong.ts'), wrong);
    const output = compile('wrong.ts');
    expect(output).toMatch(/Type 'string' is not assignable to type 'null'/);
    expect(output).toMatch(/Property 'role' is missing/);
  });
});

describe('redocly lint', () => {
  it('passes the recommended ruleset: no error, no warning', () => {
    const config = join(tempFolder(), 'redocly.yaml');
    fs.writeFileSync(config, 'extends:\n  - recommended\n');
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const output = execFileSync(process.execPath, [bin('@redocly/cli', 'bin/cli.js'), 'lint', DOC, '--config', config, '--format', 'json'], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const report = JSON.parse(output) as { totals: unknown; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });
});
