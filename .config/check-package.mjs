// `npm run check:package`: packs the package once (`npm pack` runs `prepack`, the build) and checks
// the tarball: only allowed files, the links of package.json, publint --strict and attw (profile
// esm-only) silent, then the consumer smoke test (smoke-consumer.mjs). Every step is timed; any failure exits 1.
// KEEP_TMP=1 keeps the temporary folder for a post-mortem.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { npmEnv, run, smokeConsumer } from './smoke-consumer.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** What the tarball may hold: the build (JS, declarations, the JSON Schema, the OpenAPI document) and the usual documents. */
const ALLOWED = [
  /^package\.json$/,
  /^(?:README\.md|LICENSE|CHANGELOG\.md)$/,
  /^dist\/(?:[\w-]+\/)*[\w-]+\.(?:js|d\.ts)$/,
  /^dist\/(?:schema|openapi)\.json$/,
];
/** Allowed by the patterns above, but never shipped: compiled tests. */
const DENIED = /(?:^|\/)(?:test|tests|__tests__)\/|\.(?:test|spec|bench)\.(?:js|d\.ts)$/;
/** What a consumer needs: missing any of these is a failure too. */
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/schema.json',
  'dist/openapi.json',
  ...Object.values(manifest.bin ?? {}).map((path) => String(path).replace(/^\.\//, '')),
];

const folder = mkdtempSync(join(tmpdir(), 'persona-pool-check-'));
const failures = [];
const started = Date.now();

/**
 * Runs one check, prints its outcome and time, and records a failure instead of stopping.
 *
 * @param {string} name
 * @param {() => string | Promise<string>} action - Returns a one-line summary; throws on failure.
 */
async function step(name, action) {
  const from = Date.now();
  try {
    const summary = await action();
    console.log(`ok   ${name} (${((Date.now() - from) / 1000).toFixed(1)} s): ${summary}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL ${name} (${((Date.now() - from) / 1000).toFixed(1)} s)\n${String(error instanceof Error ? error.message : error).replace(/^/gm, '     ')}`);
  }
}

/** @type {{ filename: string, files: { path: string }[] } | undefined} */
let packed;
await step('npm pack (build included)', () => {
  const { stdout } = run('npm', ['pack', '--json', '--pack-destination', folder], { cwd: root, env: npmEnv() });
  packed = JSON.parse(stdout)[0];
  return `${packed?.filename}, ${packed?.files.length} files`;
});

if (packed) {
  const tarball = join(folder, packed.filename);
  const paths = packed.files.map((file) => file.path);

  await step('tarball files against the allow-list', () => {
    const extra = paths.filter((path) => !ALLOWED.some((pattern) => pattern.test(path)) || DENIED.test(path));
    const missing = REQUIRED.filter((path) => !paths.includes(path));
    const problems = [
      ...extra.map((path) => `not allowed in the package: ${path}`),
      ...missing.map((path) => `missing from the package: ${path}`),
    ];
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return `${paths.length} files, all allowed`;
  });

  await step('package.json links (repository, homepage, bugs)', () => {
    const { repository, homepage, bugs } = manifest;
    const links = { 'repository.url': repository?.url, homepage, 'bugs.url': bugs?.url };
    const missing = Object.entries(links).filter(([, url]) => !/^(?:git\+)?https:\/\/\S+$/.test(String(url ?? '')));
    if (missing.length > 0) throw new Error(`missing or not an https URL: ${missing.map(([name]) => name).join(', ')}`);
    return `${repository.url}; the README's relative links resolve against it on the registry`;
  });

  await step('publint --strict', async () => {
    const bytes = readFileSync(tarball);
    const { messages, pkg } = await publint({ pack: { tarball: new Uint8Array(bytes).buffer }, strict: true, level: 'suggestion' });
    if (messages.length > 0) throw new Error(messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`).join('\n'));
    return 'no messages';
  });

  await step('attw --profile esm-only', () => {
    const require = createRequire(import.meta.url);
    const attwManifest = require.resolve('@arethetypeswrong/cli/package.json');
    const attw = join(dirname(attwManifest), require(attwManifest).bin.attw);
    // Exits non-zero on any problem outside the profile; the output is in the failure report.
    run(process.execPath, [attw, tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-color', '--no-emoji'], { cwd: root });
    return 'no problems (node10 and node16-from-CJS resolutions ignored: ESM only)';
  });

  await smokeConsumer(tarball, folder, step);
}

if (process.env.KEEP_TMP) console.log(`kept ${folder}`);
else rmSync(folder, { recursive: true, force: true });
const total = `${((Date.now() - started) / 1000).toFixed(1)} s`;
if (failures.length > 0) {
  console.log(`check:package failed (${total}): ${failures.join('; ')}`);
  process.exitCode = 1;
} else {
  console.log(`check:package passed (${total})`);
}
