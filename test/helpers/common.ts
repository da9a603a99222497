import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import createDebug from 'debug';
import { afterEach, expect, vi } from 'vitest';
import { isPersonaPoolError, PersonaPool, type PersonaPoolError } from '../../src/index.js';

/** The built package's entry, for child processes. */
export const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A fresh temp folder, readable by every user (so a child running as `nobody` can enter it). */
export function tempDir(prefix = 'persona-pool-'): string {
  const dir = fs.mkdtempSync(join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** A valid persona entry, distinct per `n`. */
export function persona(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Persona ${n}`, email: `persona${n}@corp.example`, role: 'Analyst', ...extra };
}

/** The result of a child process. */
export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node script ...args` to its end. */
export function runNode(script: string, args: readonly string[] = [], options: SpawnOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Whether this process runs as root, which ignores file modes. */
export const IS_ROOT = process.getuid?.() === 0;

/** Spawn options that drop root to `nobody`, so file modes apply to the child. */
export const AS_UNPRIVILEGED: SpawnOptions = IS_ROOT ? { uid: 65534, gid: 65534 } : {};

/** Resolves once `predicate()` holds, polling; rejects after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A pool on `personas.json` in a fresh temp folder. */
export function freshPool(): { dir: string; file: string; pool: PersonaPool } {
  const dir = tempDir();
  const file = join(dir, 'personas.json');
  return { dir, file, pool: new PersonaPool({ path: file }) };
}

/** The PersonaPoolError a promise rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<PersonaPoolError> {
  return promise.then(
    () => expect.fail('expected a PersonaPoolError'),
    (error: PersonaPoolError) => error,
  );
}

/** What running `run` gives: `'ok'`, or the code of the PersonaPoolError it throws (anything else is rethrown). */
export async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    if (isPersonaPoolError(error)) return error.code;
    throw error;
  }
}

/**
 * The debug output of `namespaces` while `run` runs, one line a call; the namespaces enabled before
 * are enabled again after.
 */
export async function debugLines(namespaces: string, run: () => Promise<void> | void): Promise<string[]> {
  const lines: string[] = [];
  const before = createDebug.disable();
  createDebug.enable(namespaces);
  const spy = vi.spyOn(createDebug, 'log').mockImplementation((...args: unknown[]) => void lines.push(format(...args)));
  try {
    await run();
  } finally {
    spy.mockRestore();
    createDebug.enable(before);
  }
  return lines;
}

/** Something a test opens and must close: a pool, a store, a server. */
interface Closable {
  close(): Promise<unknown>;
}

/**
 * What a test file opens, closed after each test, the last opened first (a pool before its store,
 * a store before its server), with every mock restored: returns `track(item)`.
 */
export function closedAfterEach(): <T extends Closable>(item: T) => T {
  const opened: Closable[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const item of opened.splice(0).reverse()) await item.close();
  });
  return (item) => (opened.push(item), item);
}
