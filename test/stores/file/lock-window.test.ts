// A lock is never visible without its owner: a writer killed at any step of its lock's life leaves
// nothing the next write of this host must wait out; and the proper-lockfile options we rely on stay set.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import lockfile from 'proper-lockfile';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore, PersonaPool } from '../../../src/index.js';
import { acquireLock } from '../../../src/stores/file/lock.js';
import { makeLock } from '../../../src/stores/file/lock-make.js';
import { OWNER_FILE, readOwner, thisProcess } from '../../../src/stores/file/lock-owner.js';
import { FIXTURES, outcome, runNode, tempDir, waitFor } from '../../helpers/common.js';

const KILLER = join(FIXTURES, 'lock-killer.mjs');
const CHURN = join(FIXTURES, 'lock-churn.mjs');
/** A stall on a lock left behind would fail the next write with LOCKED: it may wait 3 s, the lock goes stale after 30 s. */
const NEXT = { lockStaleMs: 30_000, lockWaitMs: 3_000 } as const;
const KILLS = 50;

type Scenario = 'free' | 'dead owner';
interface KillPoint {
  readonly scenario: Scenario;
  readonly step: number;
  readonly when: 'before' | 'after';
}

const names = (tag: string) => [`${tag}-0`, `${tag}-1`];
const personasOf = (tag: string) => names(tag).map((name) => ({ name, email: `${name}@corp.example`, role: 'Clerk' }));

function namesIn(file: string): string[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string }[]).map((entry) => entry.name);
}

/** The pid of a process that has run and exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('close', resolve));
  return child.pid as number;
}

/** Before the writer runs: no lock, or the fresh lock of a writer of this host that is gone. */
async function prepare(scenario: Scenario, lock: string): Promise<void> {
  if (scenario === 'free') return;
  fs.mkdirSync(lock);
  fs.writeFileSync(join(lock, OWNER_FILE), JSON.stringify({ ...thisProcess(), pid: await deadPid() }));
}

/** Every step of a whole write (lock, write, release) in each scenario, before and after its call; 50 of them, evenly spread. */
async function killPoints(file: string): Promise<KillPoint[]> {
  const all: KillPoint[] = [];
  for (const scenario of ['free', 'dead owner'] as const) {
    await prepare(scenario, `${file}.lock`);
    const { stdout } = await runNode(KILLER, [file, '0', 'before', 'calibrate']);
    const { steps } = JSON.parse(stdout) as { steps: number };
    for (let step = 1; step <= steps; step++) all.push({ scenario, step, when: 'before' }, { scenario, step, when: 'after' });
  }
  return Array.from({ length: KILLS }, (_, k) => all[Math.floor((k * all.length) / KILLS)] as KillPoint);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a writer killed with SIGKILL at any step of its lock', () => {
  it(
    `${KILLS} times: the next write of this host takes the lock at once, and the file is whole each time`,
    async () => {
      const dir = tempDir();
      const file = join(dir, 'personas.json');
      const lock = `${file}.lock`;
      const points = await killPoints(file);
      expect(new Set(points.map((point) => point.scenario))).toEqual(new Set(['free', 'dead owner']));
      let before = 'calibrate';
      let longest = 0;
      for (const [round, { scenario, step, when }] of points.entries()) {
        await prepare(scenario, lock);
        const result = await runNode(KILLER, [file, String(step), when, `killed${round}`]);
        expect(result.signal, `round ${round}: ${scenario}, ${when} step ${step}`).toBe('SIGKILL');
        expect([names(before), names(`killed${round}`)]).toContainEqual(namesIn(file));
        const start = performance.now();
        await new PersonaPool({ store: fileStore({ path: file, ...NEXT }) }).replace(personasOf(`next${round}`));
        longest = Math.max(longest, performance.now() - start);
        before = `next${round}`;
        expect(namesIn(file)).toEqual(names(before));
        expect(fs.readdirSync(dir).sort(), `round ${round}: ${scenario}, ${when} step ${step}`).toEqual(['personas.json', 'personas.json.history']);
      }
      console.log(`lock window: longest next write after ${KILLS} kills: ${longest.toFixed(0)} ms`);
    },
    300_000,
  );
});

describe('making a lock', () => {
  it(
    'in 4 processes, 40 times each: exactly one holds it at a time, every one gets it, nothing is left',
    async () => {
      const dir = tempDir();
      const file = join(dir, 'personas.json');
      const results = await Promise.all([0, 1, 2, 3].map(() => runNode(CHURN, [file, join(dir, 'holder'), '40'])));
      for (const result of results) expect(result).toMatchObject({ code: 0, stdout: '{"overlaps":0}' });
      expect(fs.readdirSync(dir)).toEqual([]);
    },
    120_000,
  );

  it('never replaces a folder that is there, even an empty one (a lock not made by persona-pool)', () => {
    const dir = tempDir();
    const lock = join(dir, 'personas.json.lock');
    fs.mkdirSync(lock);
    expect(() => makeLock(lock)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readdirSync(lock)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['personas.json.lock']);
  });

  it('clears a temporary folder older than 5 s (a writer killed on another host), not a fresh one (a writer at work)', async () => {
    const dir = tempDir();
    const lock = join(dir, 'personas.json.lock');
    fs.mkdirSync(`${lock}.new`);
    fs.mkdirSync(join(`${lock}.new`, 'another-host-live-writer'));
    const held = await acquireLock(join(dir, 'personas.json'), { staleMs: 10_000, waitMs: 0 });
    expect(readOwner(lock)?.pid).toBe(process.pid);
    expect(fs.readdirSync(`${lock}.new`)).toEqual(['another-host-live-writer']);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(join(`${lock}.new`, 'another-host-live-writer'), old, old);
    await held.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('the proper-lockfile options we rely on', () => {
  it('are set explicitly', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const lock = vi.spyOn(lockfile, 'lock');
    const held = await acquireLock(file, { staleMs: 4_000, waitMs: 0 });
    await held.release();
    expect(lock).toHaveBeenCalledWith(file, {
      realpath: false,
      fs: expect.objectContaining({ mkdir: expect.any(Function), rmdir: expect.any(Function), rmdirSync: expect.any(Function) }),
      lockfilePath: `${file}.lock`,
      stale: 4_000,
      update: 2_000,
      retries: 0,
      onCompromised: expect.any(Function),
    });
  });

  it('realpath: false: the lock of a symlinked pool is beside the link, and the target need not exist', async () => {
    const dir = tempDir();
    const link = join(dir, 'personas.json');
    fs.symlinkSync(join(dir, 'elsewhere', 'target.json'), link);
    const held = await acquireLock(link, { staleMs: 10_000, waitMs: 0 });
    expect(readOwner(`${link}.lock`)?.pid).toBe(process.pid);
    await held.release();
    expect(fs.readdirSync(dir)).toEqual(['personas.json']);
  });

  it('retries: 0 and our own wait: a lock held by a live writer fails LOCKED after lockWaitMs', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const held = await acquireLock(file, { staleMs: 10_000, waitMs: 0 });
    expect(await outcome(() => new PersonaPool({ store: fileStore({ path: file, lockStaleMs: 10_000, lockWaitMs: 200 }) }).replace(personasOf('x')))).toBe('LOCKED');
    await held.release();
  });

  it('onCompromised: a lock removed under its holder is reported by assertHeld, not thrown at the process', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const held = await acquireLock(file, { staleMs: 2_000, waitMs: 0 });
    fs.rmSync(`${file}.lock`, { recursive: true });
    await waitFor(() => {
      try {
        held.assertHeld();
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ECOMPROMISED';
      }
    });
    await held.release();
    expect(fs.readdirSync(dir)).toEqual([]); // nor a staging folder left by the release of a lock that is gone
  });
});
