// Every js, ts and sh block of README.md and docs/*.md runs as printed, unless it is marked
// `<!-- fragment -->` on the line before its fence (the HTTP recipes, marked `<!-- recipe: … -->`, are
// run by test/http-frameworks.test.ts). Each block runs in a child process, in a fresh folder whose
// node_modules points `persona-pool` at this repository's built package, with HOME and
// DECNET_REALISM_PERSONAS inside that folder, the pool holding docs/examples/personas.json, and
// personas.json beside it; it must exit 0. TypeScript is transpiled (types dropped) and run as an ES
// module; sh runs in bash -e, `npx persona-pool` being the built bin. And every relative link of those
// pages points at a file that exists, and at a heading it has.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { blocksOf, checkLinks, PAGES, ROOT, runsHere, type Block } from './docs-blocks.js';
import { tempDir } from './helpers.js';

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
  fs.symlinkSync(BIN, join(dir, 'node_modules', '.bin', 'persona-pool'));
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

/** Runs a block as it is printed. */
function runBlock(block: Block): Promise<Run> {
  const { dir, env } = sandbox();
  if (block.lang === 'sh') {
    fs.writeFileSync(join(dir, 'block.sh'), NPX + block.code);
    return run('bash', ['-e', '-o', 'pipefail', 'block.sh'], dir, env);
  }
  const js =
    block.lang === 'ts'
      ? ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } }).outputText
      : block.code;
  fs.writeFileSync(join(dir, 'block.mjs'), js);
  return run(process.execPath, ['block.mjs'], dir, env);
}

const BLOCKS = PAGES.flatMap(blocksOf);

describe('the code blocks of README.md and docs/*.md', () => {
  it('are found, and most of them are run here', () => {
    expect(BLOCKS.filter(runsHere).length).toBeGreaterThanOrEqual(10);
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

describe('the relative links of README.md and docs/*.md', () => {
  it.each(PAGES.map((page) => [page]))('%s: every one points at an existing file and heading', (page) => {
    const broken = checkLinks(page).filter((link) => link.problem !== '');
    expect(broken.map((link) => `${link.target}: ${link.problem}`)).toEqual([]);
  });
});
