// The consumer smoke test of `npm run check:package`: installs the packed tarball into a fresh
// project in a temporary folder and uses it there the ways a consumer does: ESM import, CommonJS
// require, the JSON Schema and OpenAPI imports, the fetch handler, TypeScript (moduleResolution node16 and bundler) against the
// shipped types, and the `persona-pool` executable.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The scripts npm runs when a package is installed (`prepare` too, for a git dependency or a tarball). */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * Runs a command and returns its output; throws with the whole output when it fails.
 *
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {{ stdout: string, stderr: string }}
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim();
    throw new Error(`\`${[command, ...args].join(' ')}\` exited with ${result.status ?? result.signal}:\n${output}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/**
 * The environment for an npm run from inside `npm run`, without what the outer npm set about this
 * package, so the inner npm sees the temporary project as its own.
 */
export function npmEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|init_cwd$)/i.test(key)),
  );
}

const ESM = `import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectPersonas, parsePersonas, PersonaPool } from 'persona-pool';
import schema from 'persona-pool/schema.json' with { type: 'json' };
import openapi from 'persona-pool/openapi.json' with { type: 'json' };
import { createPersonasFetchHandler, openApiDocument } from 'persona-pool';

const ann = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' };
const bob = { name: 'Bob Roy', email: 'bob@corp.example', role: 'CTO', tone: 'direct', language: 'es' };
const folder = mkdtempSync(join(tmpdir(), 'persona-pool-consumer-'));
try {
  const file = join(folder, 'personas.json');
  writeFileSync(file, JSON.stringify([ann, { name: 'no email' }]));
  const parsed = parsePersonas(readFileSync(file, 'utf8'));
  assert.deepEqual(parsed.map((p) => [p.name, p.tone, p.language]), [['Ann Lee', 'formal', 'en']]);
  assert.deepEqual(inspectPersonas(readFileSync(file, 'utf8')).rejected.map((r) => r.index), [1]);

  const pool = new PersonaPool({ path: file });
  assert.equal((await pool.load()).length, 1);
  const written = await pool.replace([ann, bob]);
  assert.equal(written.personas.length, 2);
  assert.equal(JSON.parse(readFileSync(file, 'utf8'))[1].language, 'es');
  assert.deepEqual(pool.loadSync().map((p) => p.name), ['Ann Lee', 'Bob Roy']);
} finally {
  rmSync(folder, { recursive: true, force: true });
}

assert.equal(schema.type, 'array');
assert.equal(schema.items.type, 'object');
assert.equal(openapi.openapi, '3.1.0');
assert.deepEqual(Object.keys(openapi.components.schemas.PersonaPoolPersonaInput.properties), Object.keys(schema.items.properties));
assert.deepEqual(Object.keys(openApiDocument({ schema, path: '/p', poolsPath: null }).paths), ['/p', '/p/history', '/p/restore']);
const fetchResponse = await createPersonasFetchHandler({ pool: new PersonaPool({ path: join(tmpdir(), 'persona-pool-none', 'p.json') }) })(new Request('http://x/'), null);
assert.equal(fetchResponse.status, 401);
assert.deepEqual([...schema.items.required].sort(), ['email', 'name', 'role']);
await assert.rejects(import('persona-pool/dist/persona/parse.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
// pg is an optional peer dependency, not installed here: the root entry worked without it above, and
// the PostgreSQL entry says what to install.
await assert.rejects(import('persona-pool/postgres'), (error) => /npm install pg/.test(error.message));
const { followPersonas } = await import('persona-pool/browser');
assert.throws(() => followPersonas({ url: '/p' }), { code: 'INVALID_OPTION' });
// The remote entry needs nothing but fetch; its location never shows credentials.
const { remoteStore } = await import('persona-pool/remote');
assert.equal(remoteStore({ url: 'https://u:secret@api.example/api/v1/realism/personas?x=1' }).location, 'remote:https://api.example/api/v1/realism/personas');
assert.throws(() => remoteStore({ url: 'ftp://api.example/p' }), { code: 'INVALID_OPTION' });
console.log('esm ok');
`;

const CJS = `const assert = require('node:assert/strict');
const lib = require('persona-pool');
const schema = require('persona-pool/schema.json');

assert.equal(typeof lib.PersonaPool, 'function');
assert.equal(typeof lib.parsePersonas, 'function');
assert.equal(lib.parsePersonas('[{"name":"A B","email":"a@b.example","role":"r"}]').length, 1);
assert.equal(schema.type, 'array');
// require() and import() give the same module: every export, the same objects.
import('persona-pool').then((esm) => {
  const names = (object) => Object.keys(object).filter((name) => name !== '__esModule' && name !== 'module.exports').sort();
  assert.deepEqual(names(lib), names(esm));
  for (const name of names(esm)) assert.equal(lib[name], esm[name], name);
  console.log('cjs ok', names(lib).length, 'exports');
});
`;

const TS = `import {
  EmailPersonaSchema,
  inWorkHours,
  isPersonaPoolError,
  parsePersonas,
  PersonaPool,
  PersonaPoolError,
  type EmailPersona,
  type PoolSnapshot,
  type Tone,
} from 'persona-pool';
import schema from 'persona-pool/schema.json' with { type: 'json' };

const personas: EmailPersona[] = parsePersonas('[{"name":"Ann Lee","email":"ann@corp.example","role":"CFO"}]', { languageDefault: 'es' });
const tone: Tone | undefined = personas[0]?.tone;
const language: string | undefined = personas[0]?.language;
const pool = new PersonaPool({ path: 'personas.json', maxPersonas: 10 });
const snapshot: Promise<PoolSnapshot> = pool.snapshot();
const working: boolean = inWorkHours('09:00-17:00', new Date(), { timeZone: 'Europe/Madrid' });
const error: unknown = new PersonaPoolError('LOCKED', 'try again');
const status: number | undefined = isPersonaPoolError(error, 'LOCKED') ? error.status : undefined;
const kind: string = schema.type;
const fields: string[] = Object.keys(EmailPersonaSchema.entries);
// @ts-expect-error: the shipped types are real, not any: a number is no persona source.
parsePersonas(42);
// @ts-expect-error: an unknown error code is rejected.
new PersonaPoolError('NO_SUCH_CODE', 'x');

export { fields, kind, language, snapshot, status, tone, working };
`;

/** The PostgreSQL entry's types: they need neither pg nor @types/pg. */
const TS_POSTGRES = `import { postgresStore, type PostgresClient, type PostgresStore } from 'persona-pool/postgres';

declare const client: PostgresClient;
const store: PostgresStore = postgresStore({ client, name: 'global', table: 'persona_pools' });
const location: string = store.location;
// @ts-expect-error: a name is required.
postgresStore({ client });

export { location };
`;

/** With pg installed, the PostgreSQL entry loads and makes a store from a pg.Pool (no server needed). */
const POSTGRES = `import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresStore } from 'persona-pool/postgres';

const client = new pg.Pool({ host: '127.0.0.1', port: 1 });
assert.equal(postgresStore({ client, name: 'topology:7' }).location, 'postgres:persona_pools/topology:7');
assert.throws(() => postgresStore({ client, name: 'g', table: 'x; drop' }), { code: 'INVALID_OPTION' });
await client.end();
console.log('postgres entry ok');
`;

/** @param {'node16' | 'bundler'} resolution */
function tsconfig(resolution) {
  return {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      // Node18: the first `module` of the node16 resolution that takes `with { type: 'json' }`.
      module: resolution === 'node16' ? 'Node18' : 'ESNext',
      moduleResolution: resolution === 'node16' ? 'Node16' : 'Bundler',
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      resolveJsonModule: true,
      // node16 also checks the shipped declarations themselves, against @types/node alone (what a
      // consumer has; no @types/debug): it takes 10 s more, so once is enough.
      skipLibCheck: resolution !== 'node16',
      typeRoots: [join(root, 'node_modules/@types')],
      types: ['node'],
      noEmit: true,
    },
    files: ['types.ts', 'types-postgres.ts'],
  };
}

/**
 * Installs `tarball` into a fresh project under `folder` and uses it as a consumer would.
 *
 * @param {string} tarball - The packed package.
 * @param {string} folder - An empty temporary folder.
 * @param {(name: string, action: () => string) => Promise<void>} step - Runs and reports one step.
 */
export async function smokeConsumer(tarball, folder, step) {
  const project = join(folder, 'consumer');
  mkdirSync(project);
  const files = {
    'package.json': `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
    'esm.js': ESM,
    'cjs.cjs': CJS,
    'types.ts': TS,
    'types-postgres.ts': TS_POSTGRES,
    'postgres.js': POSTGRES,
    'tsconfig.node16.json': JSON.stringify(tsconfig('node16'), null, 2),
    'tsconfig.bundler.json': JSON.stringify(tsconfig('bundler'), null, 2),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(project, name), text);
  const env = npmEnv();
  const node = (/** @type {string[]} */ ...args) => run(process.execPath, args, { cwd: project, env });
  await step('consumer: npm install <tarball>, with no install script to allow', () => {
    // At npm's default log level, so its warnings show: a library runs no script on its users' machines.
    const { stdout, stderr } = run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: project, env });
    const warning = `${stdout}\n${stderr}`.split('\n').filter((line) => /install.scripts|allowScripts/i.test(line));
    if (warning.length > 0) throw new Error(`npm install warned about an install script:\n${warning.join('\n')}`);
    const { scripts = {} } = JSON.parse(readFileSync(join(project, 'node_modules', 'persona-pool', 'package.json'), 'utf8'));
    const install = INSTALL_SCRIPTS.filter((name) => name in scripts);
    if (install.length > 0) throw new Error(`the packed package.json has install scripts: ${install.join(', ')}`);
    return 'installed, no install script';
  });
  await step('consumer: ESM import', () => node('esm.js').stdout.trim());
  await step('consumer: CommonJS require', () => node('cjs.cjs').stdout.trim());
  for (const resolution of /** @type {const} */ (['node16', 'bundler'])) {
    await step(`consumer: tsc, moduleResolution ${resolution}`, () => {
      node(tsc, '-p', `tsconfig.${resolution}.json`);
      return 'no errors';
    });
  }
  await step('consumer: npm install pg, then the persona-pool/postgres entry', () => {
    run('npm', ['install', 'pg@8', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env });
    return node('postgres.js').stdout.trim();
  });
  await step('consumer: npx persona-pool --help', () => {
    const { stdout } = run('npx', ['--no', '--', 'persona-pool', '--help'], { cwd: project, env });
    if (!/^Usage: persona-pool /m.test(stdout)) throw new Error(`no usage line in:\n${stdout}`);
    return stdout.split('\n')[0];
  });
}
