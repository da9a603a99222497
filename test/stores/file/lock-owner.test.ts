// A lock records its owner; a waiter takes over at once the lock of a process of this host that is
// gone, and leaves every other lock to the staleness rule (lockStaleMs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore, PersonaPool } from '../../../src/index.js';
import { acquireLock } from '../../../src/stores/file/lock.js';
import { makeLock } from '../../../src/stores/file/lock-make.js';
import { OWNER_FILE, readOwner, thisProcess } from '../../../src/stores/file/lock-owner.js';
import { removeDeadOwnersLock } from '../../../src/stores/file/lock-takeover.js';

/** The folder's entries, sorted, but `kept` (the pool's history, which replaces legitimately fill). */
function entriesBut(dir: string, kept: string): string[] {
  return fs.readdirSync(dir).filter((name) => name !== kept).sort();
}
import { FIXTURES, outcome, persona, runNode, tempDir, waitFor } from '../../helpers/common.js';

const HOLDER = join(FIXTURES, 'lock-holder.mjs');
/** Long enough that a test passing well within its timeout cannot have waited for staleness. */
const SLOW = { lockStaleMs: 60_000, lockWaitMs: 30_000 } as const;

/** The pid of a process that has run and exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('close', resolve));
  return child.pid as number;
}

function setup(): { dir: string; file: string; lock: string } {
  const dir = tempDir();
  const file = join(dir, 'personas.json');
  return { dir, file, lock: `${file}.lock` };
}

/** A lock folder on `file`, refreshed `ageMs` ago, with `owner` as its owner file (none if undefined). */
function plantLock(lock: string, owner: unknown, ageMs = 0): void {
  fs.mkdirSync(lock);
  if (owner !== undefined) fs.writeFileSync(join(lock, OWNER_FILE), typeof owner === 'string' ? owner : JSON.stringify(owner));
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(lock, when, when);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the owner file', () => {
  it('is renamed into place: a writer killed before the rename leaves a lock that still goes stale and is removed', async () => {
    const { dir, file, lock } = setup();
    plantLock(lock, undefined, 60_000);
    fs.writeFileSync(join(lock, `${OWNER_FILE}.12345.tmp`), '{"pid": 1');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, past, past); // writing into the folder made it fresh again
    const pool = new PersonaPool({ store: fileStore({ path: file, lockStaleMs: 10_000, lockWaitMs: 1_000 }) });
    expect((await pool.replace([persona(1)])).personas).toHaveLength(1);
    expect(entriesBut(dir, 'personas.json.history')).toEqual(['personas.json']);
  });

  it('names this process while it holds the lock, and goes with the lock', async () => {
    const { dir, file, lock } = setup();
    const held = await acquireLock(file, { staleMs: 10_000, waitMs: 0 });
    expect(readOwner(lock)).toEqual({ pid: process.pid, hostname: os.hostname(), pidNamespace: thisProcess().pidNamespace });
    expect(JSON.parse(fs.readFileSync(join(lock, OWNER_FILE), 'utf8'))).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    await held.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('leaves the folder’s mtime as proper-lockfile set it: a lock held over several refreshes is not compromised', async () => {
    const { file, lock } = setup();
    const held = await acquireLock(file, { staleMs: 2_000, waitMs: 0 });
    const first = fs.statSync(lock).mtimeMs;
    await waitFor(() => fs.statSync(lock).mtimeMs !== first, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(() => held.assertHeld()).not.toThrow();
    expect(readOwner(lock)?.pid).toBe(process.pid);
    await held.release();
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('is in the lock from its first moment: a lock in a missing folder fails with ENOENT, leaving nothing', () => {
    const { dir } = setup();
    expect(() => makeLock(join(dir, 'missing', 'personas.json.lock'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('is removed with its lock by proper-lockfile’s exit handler when the holder exits without releasing', async () => {
    const { dir, file } = setup();
    const result = await runNode(HOLDER, ['exit', file]);
    expect(result.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('a writer killed with SIGKILL while holding the lock', () => {
  it(
    'leaves a lock naming it, which the next write takes over at once, long before it could go stale',
    async () => {
      const { dir, file, lock } = setup();
      const child = spawn(process.execPath, [HOLDER, 'hang', file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      expect(readOwner(lock)).toMatchObject({ pid: child.pid, hostname: os.hostname() });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
      // The lock is still there, fresh: the staleness rule would wait 60 s for it.
      expect(readOwner(lock)?.pid).toBe(child.pid);
      expect(Date.now() - fs.statSync(lock).mtimeMs).toBeLessThan(SLOW.lockStaleMs - 20_000);
      const pool = new PersonaPool({ store: fileStore({ path: file, ...SLOW }) });
      expect((await pool.replace([persona(1)])).personas).toHaveLength(1);
      expect(entriesBut(dir, 'personas.json.history')).toEqual(['personas.json']);
    },
    20_000,
  );

  it(
    'mid-replace of a large list: the next write succeeds at once, 3 times over',
    async () => {
      const { dir, file } = setup();
      for (let round = 0; round < 3; round++) {
        const child = spawn(process.execPath, [join(FIXTURES, 'endless-writer.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise((resolve) => child.stdout.once('data', resolve));
        await waitFor(() => fs.existsSync(join(`${file}.lock`, OWNER_FILE)));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('close', resolve));
        const pool = new PersonaPool({ store: fileStore({ path: file, ...SLOW }) });
        expect((await pool.replace([persona(round)])).personas).toHaveLength(1);
      }
      expect(entriesBut(dir, 'personas.json.history')).toEqual(['personas.json']);
    },
    // Generous for a loaded machine: without the takeover, each write would fail LOCKED after
    // lockWaitMs (30 s), not time out, since the dead writer's lock is stale only after 60 s.
    120_000,
  );
});

describe('locks that are not taken over at once', () => {
  const wait = { lockStaleMs: 60_000, lockWaitMs: 300 } as const;

  it.each<[string, (dead: number) => unknown]>([
    ['a live owner (this process)', () => thisProcess()],
    ['an owner on another host', (dead) => ({ ...thisProcess(), pid: dead, hostname: `not-${os.hostname()}` })],
    ['an owner in another pid namespace (a container of the same pod)', (dead) => ({ ...thisProcess(), pid: dead, pidNamespace: 'pid:[1]' })],
    ['no owner file', () => undefined],
    ['an owner file that is not JSON', () => '{"pid": 12'],
    ['an owner file without a host', (dead) => ({ pid: dead })],
    ['pid 0 (the process group)', () => ({ ...thisProcess(), pid: 0 })],
    ['pid -1 (every process)', () => ({ ...thisProcess(), pid: -1 })],
    ['a pid that is not a whole number', (dead) => ({ ...thisProcess(), pid: dead + 0.5 })],
  ])('%s: the writer waits for staleness (LOCKED here), the lock untouched', async (_, owner) => {
    const { file, lock } = setup();
    const planted = owner(await deadPid());
    plantLock(lock, planted);
    expect(await outcome(() => new PersonaPool({ store: fileStore({ path: file, ...wait }) }).replace([persona(1)]))).toBe('LOCKED');
    expect(fs.existsSync(lock)).toBe(true);
    expect(fs.existsSync(`${lock}.takeover`)).toBe(false);
  });

  it('an owner that kill(pid, 0) answers EPERM for (another user’s live process)', async () => {
    const { file, lock } = setup();
    const dead = await deadPid();
    plantLock(lock, { ...thisProcess(), pid: dead });
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    expect(await outcome(() => new PersonaPool({ store: fileStore({ path: file, ...wait }) }).replace([persona(1)]))).toBe('LOCKED');
    expect(readOwner(lock)?.pid).toBe(dead);
  });

  it('a dead owner’s lock within a second of going stale is left to the staleness rule', async () => {
    const { lock } = setup();
    plantLock(lock, { ...thisProcess(), pid: await deadPid() }, 2_500);
    expect(removeDeadOwnersLock(lock, 3_000)).toBe(false);
    expect(removeDeadOwnersLock(lock, 60_000)).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe('waiters racing for a dead owner’s lock', () => {
  it('skip the takeover while another waiter holds the takeover folder', async () => {
    const { lock } = setup();
    plantLock(lock, { ...thisProcess(), pid: await deadPid() });
    fs.mkdirSync(`${lock}.takeover`);
    expect(removeDeadOwnersLock(lock, 60_000)).toBe(false);
    expect(fs.existsSync(lock)).toBe(true);
    fs.rmdirSync(`${lock}.takeover`);
    expect(removeDeadOwnersLock(lock, 60_000)).toBe(true);
  });

  it('never remove a lock another waiter has just taken: the owner file is read again under the takeover folder', async () => {
    const { lock } = setup();
    const dead = await deadPid();
    plantLock(lock, { ...thisProcess(), pid: dead });
    const rename = fs.renameSync;
    // Between the first read and the takeover folder, another waiter removes the dead lock and takes its own.
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(to).endsWith('.takeover')) {
        fs.rmSync(lock, { recursive: true });
        fs.mkdirSync(lock);
        fs.writeFileSync(join(lock, OWNER_FILE), JSON.stringify(thisProcess()));
      }
      rename(from, to);
    });
    expect(removeDeadOwnersLock(lock, 60_000)).toBe(false);
    expect(readOwner(lock)?.pid).toBe(process.pid);
    vi.mocked(fs.renameSync).mockRestore();
    // Nor one just made, whose owner file is not written yet.
    fs.rmSync(join(lock, OWNER_FILE));
    expect(removeDeadOwnersLock(lock, 60_000)).toBe(false);
    expect(fs.existsSync(lock)).toBe(true);
  });

  it('give the takeover up, and free the takeover folder, when the removal fails', async () => {
    const { lock } = setup();
    plantLock(lock, { ...thisProcess(), pid: await deadPid() });
    const rename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (from === lock) throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
      rename(from, to);
    });
    expect(removeDeadOwnersLock(lock, 60_000)).toBe(false);
    expect(fs.existsSync(`${lock}.takeover`)).toBe(false);
    vi.mocked(fs.renameSync).mockRestore();
    expect(removeDeadOwnersLock(lock, 60_000)).toBe(true);
  });

  it('a leftover takeover folder (a waiter killed during its takeover) is cleared by the next holder', async () => {
    const { dir, file, lock } = setup();
    fs.mkdirSync(`${lock}.takeover`);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${lock}.takeover`, old, old);
    await new PersonaPool({ path: file }).replace([persona(1)]);
    expect(entriesBut(dir, 'personas.json.history')).toEqual(['personas.json']);
    // A fresh one is another waiter's, at work: kept.
    fs.mkdirSync(`${lock}.takeover`);
    await new PersonaPool({ path: file }).replace([persona(2)]);
    expect(entriesBut(dir, 'personas.json.history')).toEqual(['personas.json', 'personas.json.lock.takeover']);
  });

  it(
    'in 4 processes at once: exactly one holds the lock at a time (6 rounds)',
    async () => {
      const { dir, file, lock } = setup();
      const marker = join(dir, 'holder');
      for (let round = 0; round < 6; round++) {
        plantLock(lock, { ...thisProcess(), pid: await deadPid() });
        const results = await Promise.all([0, 1, 2, 3].map(() => runNode(HOLDER, ['exclusive', file, marker, '40'])));
        for (const result of results) expect(result.stdout).toBe('{"overlap":false}');
        expect(fs.readdirSync(dir)).toEqual([]);
      }
    },
    50_000,
  );
});

