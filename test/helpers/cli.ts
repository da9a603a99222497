// Shared by the command-line tests: a realistic persona file, sandboxes, and two ways to run the CLI.
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpawnOptions } from 'node:child_process';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runNode, tempDir } from './common.js';

/** The built executable, as package.json's "bin" names it. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** Three valid personas, as an operator would curate them: every optional field somewhere. */
export const SAMPLE = [
  {
    name: 'Ann Lee',
    email: 'ann.lee@northwind.example',
    role: 'Chief Financial Officer',
    tone: 'formal',
    mannerisms: ['opens with "Dear team,"', 'signs off with "Best,"'],
    signature: 'Ann Lee\nCFO, Northwind Traders',
    active_hours: '08:00-17:00',
    reply_latency: 'slow',
  },
  {
    name: 'Bruno Costa',
    email: 'bruno.costa@northwind.example',
    role: 'Site Reliability Engineer',
    tone: 'technical',
    language: 'pt',
    active_hours: '22:00-06:00',
    reply_latency: 'fast',
    uses_llms_heavily: 'yes',
  },
  {
    name: 'Chen Wei',
    email: 'chen.wei@northwind.example',
    role: 'Office Manager',
    tone: 'custom',
    tone_custom: 'warm but brisk',
    language: null,
  },
] as const;

/** An entry with a name and a bad email. */
export const BAD_EMAIL = { name: 'Dana Fox', email: 'dana.fox-at-northwind', role: 'Intern' } as const;

/** An entry without a name, with an unknown tone. */
export const NO_NAME = { email: 'eve@northwind.example', role: 'Auditor', tone: 'sarcastic' } as const;

/** A sandbox: a fresh folder, the pool the environment points at, and that environment. */
export interface Sandbox {
  readonly dir: string;
  /** Where `DECNET_REALISM_PERSONAS` points: a file inside `dir`, in a folder not made yet. */
  readonly pool: string;
  /** The whole environment of a run: no variable of the test process leaks in. */
  readonly env: Record<string, string>;
  /** Writes `content` (JSON-encoded unless a string) to `name` inside `dir`; returns its path. */
  file(name: string, content: unknown): string;
}

/**
 * A fresh sandbox in a new temp folder (its real path, so paths compare equal).
 *
 * @returns The sandbox; remove `dir` when done.
 */
export function sandbox(): Sandbox {
  const dir = fs.realpathSync(tempDir('persona-pool-cli-'));
  const pool = join(dir, 'pool', 'email_personas.json');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DECNET_REALISM_PERSONAS: pool };
  const file = (name: string, content: unknown) => {
    fs.writeFileSync(join(dir, name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    return join(dir, name);
  };
  return { dir, pool, env, file };
}

/**
 * A fresh {@link sandbox} for each test of a file, removed after it. The object returned stays the
 * same; its fields are those of the current test's sandbox.
 *
 * @param needsBin - Fail the file at once, with what to do, when the built CLI is missing.
 * @returns The current sandbox.
 */
export function sandboxEach(needsBin = false): Sandbox {
  let current: Sandbox | undefined;
  const now = (): Sandbox => {
    if (current === undefined) throw new Error('a sandbox exists only inside a test');
    return current;
  };
  beforeAll(() => {
    if (needsBin && !fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
  });
  beforeEach(() => {
    current = sandbox();
  });
  afterEach(() => {
    fs.rmSync(now().dir, { recursive: true, force: true });
    current = undefined;
  });
  return {
    get dir() {
      return now().dir;
    },
    get pool() {
      return now().pool;
    },
    get env() {
      return now().env;
    },
    file: (name, content) => now().file(name, content),
  };
}

/** What one run of the CLI did. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with `args` in an environment; `isTTY` is honoured in-process only. */
export type Runner = (args: readonly string[], env: Record<string, string>, isTTY?: boolean) => Promise<Run>;

/**
 * Runs the built executable as a child process, in the environment's HOME.
 *
 * @returns The exit code and both outputs.
 */
export const runBin = (args: readonly string[], env: Record<string, string>, _isTTY?: boolean, options: SpawnOptions = {}): Promise<Run> =>
  runNode(BIN, args, { env, cwd: env.HOME, ...options }).then(({ code, stdout, stderr }) => ({ code, stdout, stderr }));

/**
 * Runs `main()` in this process, collecting what it writes.
 *
 * @returns The exit code and both outputs.
 */
export const runMain: Runner = async (args, env, isTTY = false) => {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env, isTTY };
  const code = await main(args, io);
  return { code, stdout, stderr };
};
