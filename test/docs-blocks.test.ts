// Every js, ts and sh block of README.md and docs/*.md runs as printed, unless it is marked
// `<!-- fragment -->` on the line before its fence (the HTTP recipes, marked `<!-- recipe: … -->`, are
// run by test/http/frameworks.test.ts). Each block runs in a child process, in a fresh folder whose
// node_modules points `persona-pool` at this repository's built package, with HOME and
// DECNET_REALISM_PERSONAS inside that folder, the pool holding docs/examples/personas.json, and
// personas.json beside it; it must exit 0. TypeScript is type-checked (strict, against the package's
// declarations), then transpiled and run as an ES module; sh runs in bash -e, `npx persona-pool` being
// the built bin. Every relative link points at a file and heading that exist, and the pages keep to
// issue 22's word budget.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { blocksOf, checkLinks, checkLinksIn, PAGES, ROOT, runsHere, wordCount, type Block } from './docs-blocks.js';
import { tempDir } from './helpers/common.js';

const EXAMPLE = join(ROOT, 'docs', 'examples', 'personas.json');
const BIN = join(ROOT, 'dist', 'bin.js');
/** `npx persona-pool` is the built bin; any other npx would reach the registry, which a block must not. */
const NPX = 'npx() { if [ "$1" = persona-pool ]; then shift; persona-pool "$@"; else echo "npx $1: not available to the docs test" >&2; return 1; fi; }\n';

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** A fresh folder for one block; returns it and the environment the block runs with. */
function sandbox(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir('persona-pool-docs-');
  fs.mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(ROOT, join(dir, 'node_modules', 'persona-pool'), 'dir');
  fs.symlinkSync(join(ROOT, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  fs.symlinkSync(BIN, join(dir, 'node_modules', '.bin', 'persona-pool'));
  fs.writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  fs.mkdirSync(join(dir, 'pool'));
  fs.copyFileSync(EXAMPLE, join(dir, 'pool', 'email_personas.json'));
  fs.copyFileSync(EXAMPLE, join(dir, 'personas.json'));
  const path = `${join(dir, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}`;
  return { dir, env: { PATH: path, HOME: dir, DECNET_REALISM_PERSONAS: join(dir, 'pool', 'email_personas.json'), NO_COLOR: '1' } };
}

/** Runs `command args` in `cwd` to its end (killed after 30 s), stdout and stderr together. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The type errors of a TypeScript block, checked strictly as a user's ES module would be. */
function typeErrors(code: string, dir: string): string[] {
  const file = join(dir, 'block.ts');
  fs.writeFileSync(file, code);
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const program = ts.createProgram([file], options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** Runs a block as it is printed; a TypeScript block that does not type-check fails before it runs. */
function runBlock(block: Pick<Block, 'lang' | 'code'>): Promise<Run> {
  const { dir, env } = sandbox();
  if (block.lang === 'sh') {
    fs.writeFileSync(join(dir, 'block.sh'), NPX + block.code);
    return run('bash', ['-e', '-o', 'pipefail', 'block.sh'], dir, env);
  }
  if (block.lang === 'ts') {
    const errors = typeErrors(block.code, dir);
    if (errors.length > 0) return Promise.resolve({ code: null, output: errors.join('\n') });
  }
  const js = block.lang === 'ts' ? ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText : block.code;
  fs.writeFileSync(join(dir, 'block.mjs'), js);
  return run(process.execPath, ['block.mjs'], dir, env);
}

const BLOCKS = PAGES.flatMap(blocksOf);

describe('the code blocks of README.md and docs/*.md', () => {
  it('are found, in every language that is run', () => {
    const run = BLOCKS.filter(runsHere);
    expect(run.length).toBeGreaterThanOrEqual(10);
    expect(new Set(run.map((block) => block.lang))).toEqual(new Set(['js', 'ts', 'sh']));
  });

  it('use no other spelling of js, ts or sh, which would keep a block from being run', () => {
    const aliases = ['javascript', 'mjs', 'typescript', 'mts', 'bash', 'shell', 'console', 'zsh'];
    expect(BLOCKS.filter((block) => aliases.includes(block.lang)).map((block) => `${block.page}:${block.line} ${block.lang}`)).toEqual([]);
  });

  it.each(BLOCKS.filter(runsHere).map((block) => [`${block.page}:${block.line} (${block.lang})`, block] as const))('%s runs and exits 0', async (_, block) => {
    const { code, output } = await runBlock(block);
    expect({ code, output }).toMatchObject({ code: 0 });
  });
});

describe('the block runner fails a block that fails', () => {
  it.each([
    ['js that throws', { lang: 'js', code: "throw new Error('no');\n" }],
    ['js that imports a name the package does not export', { lang: 'js', code: "import { NoSuchExport } from 'persona-pool';\n" }],
    ['ts with a type error', { lang: 'ts', code: "import { PersonaPool } from 'persona-pool';\nconst pool: string = new PersonaPool();\n" }],
    ['sh whose middle command fails', { lang: 'sh', code: 'npx persona-pool validate missing.json\necho after\n' }],
  ])('%s', async (_, block) => {
    expect((await runBlock(block)).code).not.toBe(0);
  });

  it('runs js, ts and sh against the built package and the example pool', async () => {
    const js = await runBlock({ lang: 'js', code: "import { PersonaPool } from 'persona-pool';\nconsole.log((await new PersonaPool().load()).length);\n" });
    const typed = await runBlock({ lang: 'ts', code: "import { PersonaPool } from 'persona-pool';\nconst n: number = (await new PersonaPool().load()).length;\nconsole.log(n);\n" });
    const sh = await runBlock({ lang: 'sh', code: 'npx persona-pool show --json | grep -c \'"name"\'\n' });
    const count = String(JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')).length);
    expect([js, typed, sh]).toEqual([0, 1, 2].map(() => ({ code: 0, output: `${count}\n` })));
  });
});

describe('the relative links of README.md and docs/*.md', () => {
  it.each(PAGES.map((page) => [page]))('%s: every one points at an existing file and heading', (page) => {
    const broken = checkLinks(page).filter((link) => link.problem !== '');
    expect(broken.map((link) => `${link.target}: ${link.problem}`)).toEqual([]);
  });

  it('are found broken when the file or the heading is missing', () => {
    const markdown = '# Top\n\n[a](nope.md) [b](#nowhere) [c](pool.md#reading) [d](#top) [e](pool.md#nowhere) `[f](nope.md)`\n';
    expect(checkLinksIn(markdown, 'docs/page.md').map((link) => [link.target, link.problem !== ''])).toEqual([
      ['nope.md', true],
      ['#nowhere', true],
      ['pool.md#reading', false],
      ['#top', false],
      ['pool.md#nowhere', true],
    ]);
  });
});

describe('the word budget of issue 22', () => {
  const counts = PAGES.map((page) => [page, wordCount(fs.readFileSync(join(ROOT, page), 'utf8'))] as const);

  it('is at most 12,000 words for README.md and docs/*.md together', () => {
    expect(counts.reduce((sum, [, words]) => sum + words, 0)).toBeLessThanOrEqual(12_000);
  });

  it.each(counts)('%s is at most 2,500 words', (_, words) => {
    expect(words).toBeLessThanOrEqual(2_500);
  });
});
