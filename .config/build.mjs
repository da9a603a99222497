// Builds dist/: the TypeScript sources with tsc, then the persona file's JSON Schema from the valibot schema,
// and the endpoint's OpenAPI 3.1 document from that same JSON Schema (so the two cannot drift). Then
// esbuild bundles each entry of the exports map (and the CLI) into one module, with the code they share
// in dist/chunks/; tsc's .d.ts stay, its .js go to dist/unbundled/: node then loads a few files, not ~70.
// valibot is bundled too (only the functions used: its full module costs ~4 ms of start-up to load);
// it stays a dependency for the types. debug, proper-lockfile and pg load only when needed, so stay out.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist/`;
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}.config/tsconfig.build.json`], { stdio: 'inherit' });

const { toJsonSchema } = await import('@valibot/to-json-schema');
const { EmailPersonaSchema, PYTHON_WHITESPACE } = await import(`${dist}persona/schema.js`);

const persona = toJsonSchema(EmailPersonaSchema, {
  typeMode: 'input',
  errorMode: 'throw',
  // Lengths are counted in code points, as JSON Schema's minLength/maxLength count them.
  overrideAction: ({ valibotAction, jsonSchema }) => {
    if (valibotAction.type === 'code_points') {
      const [min, max] = valibotAction.requirement;
      return { ...jsonSchema, ...(min > 0 ? { minLength: min } : {}), maxLength: max };
    }
    if (valibotAction.type === 'check' || valibotAction.type === 'partial_check') return jsonSchema;
    return undefined;
  },
});
delete persona.$schema;
// Split at the last @: a non-empty local part, a domain without @ that contains a dot.
persona.properties.email.pattern = '^[\\s\\S]+@[^@]*\\.[^@]*$';
persona.if = { properties: { tone: { const: 'custom' } }, required: ['tone'] };
persona.then = { required: ['tone_custom'], properties: { tone_custom: { type: 'string', pattern: `[^${PYTHON_WHITESPACE}]` } } };

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://unpkg.com/persona-pool/dist/schema.json',
  title: 'persona-pool file',
  description: 'A list of email personas for the realism engine (email_personas.json).',
  type: 'array',
  items: persona,
};
writeFileSync(`${dist}schema.json`, `${JSON.stringify(schema, null, 2)}\n`);
const { openApiDocument } = await import(`${dist}http/openapi.js`);
writeFileSync(`${dist}openapi.json`, `${JSON.stringify(openApiDocument({ schema }), null, 2)}\n`);

// The parsing fast path reads valibot's internals: prove it here, once, against the valibot the bundles
// will hold, instead of in every process on its first parse (see src/persona/fast-self-check.ts).
const { selfCheck } = await import(`${dist}persona/fast-self-check.js`);
const { acceptPersona } = await import(`${dist}persona/fast-accept.js`);
const disagreement = selfCheck(acceptPersona);
if (disagreement !== undefined) console.warn(`build: the parsing fast path fails its self-check (${disagreement}): dist/ checks it at run time, and parses with v.safeParse alone`);

// tsc's modules move to dist/unbundled/ (not packed: package.json "files"), for the test fixtures that
// need an internal module.
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.js')) continue;
  mkdirSync(dirname(`${dist}unbundled/${file}`), { recursive: true });
  renameSync(`${dist}${file}`, `${dist}unbundled/${file}`);
}
/**
 * crypto and worker_threads load on first use rather than at import: together they cost milliseconds
 * (crypto loads streams, keys, webcrypto…), and only reads and writes need them. Each becomes an object
 * of getters over process.getBuiltinModule() (its export names read here, at build time).
 */
const builtinsOnUse = {
  name: 'builtins-on-use',
  setup(build) {
    build.onResolve({ filter: /^node:(?:crypto|worker_threads)$/ }, ({ path }) => ({ path, namespace: 'builtin-on-use' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin-on-use' }, ({ path }) => {
      const getters = Object.keys(process.getBuiltinModule(path)).map((name) => `get ${JSON.stringify(name)}() { return load()[${JSON.stringify(name)}]; }`);
      return { contents: `let loaded;\nconst load = () => (loaded ??= process.getBuiltinModule(${JSON.stringify(path)}));\nmodule.exports = {\n  ${getters.join(',\n  ')}\n};\n`, loader: 'js' };
    });
  },
};
const { build } = await import('esbuild');
await build({
  entryPoints: ['index', 'stores/postgres/index', 'stores/remote/index', 'bin'].map((entry) => `${root}src/${entry}.ts`),
  outbase: `${root}src`,
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external: ['debug', 'proper-lockfile', 'pg'],
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [builtinsOnUse],
  define: disagreement === undefined ? { PERSONA_POOL_FAST_PATH_PROVEN: 'true' } : {},
});
// persona-pool/browser runs in browsers: one self-contained module, sharing no chunk with node code.
await build({
  entryPoints: [`${root}src/browser/index.ts`],
  outfile: `${dist}browser/index.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
if (existsSync(`${dist}bin.js`)) chmodSync(`${dist}bin.js`, 0o755);
