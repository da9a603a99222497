import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePersonas, fileStore, PersonaPool } from '../../src/index.js';
import { AS_UNPRIVILEGED, FIXTURES, persona, runNode, tempDir } from '../helpers/common.js';

const fixture = (name: string) => join(FIXTURES, name);

describe('many processes at once', () => {
  it('gives 0 torn reads while 4 writers replace 100 times each and 2 readers load in a loop', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const stop = join(dir, 'stop');
    const readers = [0, 1].map(() => runNode(fixture('reader.mjs'), [file, stop]));
    const writers = await Promise.all([0, 1, 2, 3].map((w) => runNode(fixture('writer.mjs'), [file, String(w), '100'])));
    fs.writeFileSync(stop, '');
    const reports = (await Promise.all(readers)).map((result) => JSON.parse(result.stdout) as { reads: number; torn: number; changes: number });
    expect(writers.map((result) => [result.code, result.stdout])).toEqual(Array(4).fill([0, 'done\n']));
    for (const report of reports) {
      expect(report.torn).toBe(0);
      expect(report.reads).toBeGreaterThan(100);
      expect(report.changes).toBeGreaterThan(1);
    }
    const last = await new PersonaPool({ path: file }).load();
    expect(last.length).toBeGreaterThan(0);
    // No temporary file or lock left; the history folder keeps the last 20 versions replaced.
    expect(fs.readdirSync(dir).sort()).toEqual(['personas.json', 'personas.json.history', 'stop']);
    expect(fs.readdirSync(join(dir, 'personas.json.history'))).toHaveLength(20);
  });
});

describe('a writer killed with SIGKILL mid-replace', () => {
  it('leaves a whole old-or-new file and a lock the next writer takes over (20 times)', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const seen = { locks: 0, temps: 0 };
    for (let round = 0; round < 20; round++) {
      const child = spawn(process.execPath, [fixture('endless-writer.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, 30 + ((round * 37) % 120)));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
      if (fs.existsSync(file)) {
        const names = parsePersonas(fs.readFileSync(file, 'utf8')).map((p) => p.name);
        expect(names).toHaveLength(4000);
        expect(new Set(names.map((name) => name.split('-')[0])).size).toBe(1);
      }
      const names = fs.readdirSync(dir);
      if (names.includes('personas.json.lock')) seen.locks++;
      seen.temps += names.filter((name) => name.endsWith('.tmp')).length;
      // Age a leftover lock past its staleness, as time would, except in the last rounds, which wait for real.
      if (round < 18 && names.includes('personas.json.lock')) {
        const past = new Date(Date.now() - 60_000);
        fs.utimesSync(join(dir, 'personas.json.lock'), past, past);
      }
    }
    const next = new PersonaPool({ store: fileStore({ path: file, lockStaleMs: 2_000, lockWaitMs: 10_000 }) });
    await next.replace([persona(1)]);
    expect(await next.load()).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['personas.json', 'personas.json.history']);
    // Every version kept is a whole list, and no killed writer left a temporary file in the folder.
    const history = join(dir, 'personas.json.history');
    for (const name of fs.readdirSync(history)) {
      expect(name).toMatch(/^\d+-\d+-4000-[\w-]+\.json$/);
      expect(new Set(parsePersonas(fs.readFileSync(join(history, name), 'utf8')).map((p) => p.name.split('-')[0])).size).toBe(1);
    }
    expect(seen.locks).toBeGreaterThan(0);
  });
});

describe('importing and reading', () => {
  it('does not load proper-lockfile nor install signal handlers until the first write', async () => {
    const dir = tempDir();
    const result = await runNode(fixture('busy-reader.mjs'), [join(dir, 'personas.json'), 'report']);
    expect(JSON.parse(result.stdout)).toMatchObject({ before: { lockfileLoaded: false, sigint: 0 }, after: { lockfileLoaded: true } });
  });

  it('lets a process that reads in a busy loop still exit on SIGINT', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    fs.writeFileSync(file, JSON.stringify([persona(1)]));
    const child = spawn(process.execPath, [fixture('busy-reader.mjs'), file, 'loop'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));
    child.kill('SIGINT');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
    expect(await closed).toBe('SIGINT');
    clearTimeout(timeout);
  });
});

describe('a read-only folder', () => {
  it('gives WRITE_FAILED at once, not after the lock wait, with the old file intact', async () => {
    const dir = tempDir();
    const folder = join(dir, 'pool');
    fs.mkdirSync(folder);
    const file = join(folder, 'personas.json');
    fs.writeFileSync(file, JSON.stringify([persona(0)]));
    fs.chmodSync(file, 0o644);
    fs.chmodSync(folder, 0o555);
    const result = await runNode(fixture('replace-once.mjs'), [file, JSON.stringify([persona(1)]), '60000'], AS_UNPRIVILEGED);
    const outcome = JSON.parse(result.stdout) as { ok: boolean; code: string; status: number; message: string; elapsed: number };
    expect(outcome).toMatchObject({ ok: false, code: 'WRITE_FAILED', status: 500 });
    expect(outcome.message).toContain(file);
    expect(outcome.message).toContain('permission denied');
    expect(outcome.message).toContain('pass a writable path');
    expect(outcome.elapsed).toBeLessThan(10_000);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([persona(0)]);
    expect(fs.readdirSync(folder)).toEqual(['personas.json']);
  });

  it('reports an unreadable file as UNREADABLE and returns []', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    fs.writeFileSync(file, JSON.stringify([persona(0)]));
    fs.chmodSync(file, 0o600);
    const result = await runNode(fixture('load-once.mjs'), [file], AS_UNPRIVILEGED);
    const outcome = JSON.parse(result.stdout) as { personas: unknown[]; problem: { code: string; message: string } };
    expect(outcome.personas).toEqual([]);
    expect(outcome.problem.code).toBe('UNREADABLE');
    expect(outcome.problem.message).toContain('EACCES');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([persona(0)]);
  });
});
