// Watch mode: cache hits with no syscall while a watch on the folder vouches for them, and every
// way the watch can fail falling back to a stat per read. Real folders, real child processes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fileStore, PersonaPool } from '../../src/index.js';
import { closedAfterEach, debugLines, FIXTURES, persona, runNode, tempDir, waitFor } from '../helpers/common.js';

const track = closedAfterEach();
let dir: string;
let file: string;

beforeEach(() => {
  dir = tempDir();
  file = join(dir, 'personas.json');
});

function watched(path = file, options: { languageDefault?: string; env?: Record<string, string> } = {}): PersonaPool {
  return track(new PersonaPool({ path, watch: true, ...options }));
}

function write(count: number, path = file): void {
  fs.writeFileSync(path, JSON.stringify(Array.from({ length: count }, (_, n) => persona(n))));
}

/** Every function of `fs` and `fs.promises`, spied on: the number of calls made while `run` runs. */
async function fsCallsDuring(run: () => unknown): Promise<number> {
  const spies = [fs, fs.promises].flatMap((target) =>
    Object.keys(target)
      .filter((key) => typeof (target as unknown as Record<string, unknown>)[key] === 'function' && /^[a-z]/.test(key))
      .map((key) => vi.spyOn(target as unknown as Record<string, () => unknown>, key)),
  );
  await run();
  const calls = spies.reduce((total, spy) => total + spy.mock.calls.length, 0);
  for (const spy of spies) spy.mockRestore();
  return calls;
}

describe('watch mode reads', () => {
  it('answers a hit from memory: no fs call at all, sync or async', async () => {
    write(3);
    const pool = watched();
    expect(pool.watching).toBe(true);
    expect(pool.loadSync()).toHaveLength(3); // the first read after the watch began takes a stat
    const calls = await fsCallsDuring(async () => {
      for (let i = 0; i < 100; i++) pool.loadSync();
      pool.snapshotSync();
      await pool.load();
      await pool.snapshot();
    });
    expect(calls).toBe(0);
    // The spies see the calls of a pool in stat mode, so a 0 above is not a blind spot.
    const plain = new PersonaPool({ path: file });
    plain.loadSync();
    expect(await fsCallsDuring(() => plain.loadSync())).toBeGreaterThan(0);
  });

  it('returns the same frozen array on every hit', () => {
    write(2);
    const pool = watched();
    const first = pool.loadSync();
    expect(pool.loadSync()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('keeps an entry per language, each vouched for on its own', async () => {
    write(1);
    const pool = watched();
    expect(pool.loadSync()[0]?.language).toBe('en');
    expect(pool.loadSync({ languageDefault: 'de' })[0]?.language).toBe('de');
    expect(await fsCallsDuring(() => [pool.loadSync(), pool.loadSync({ languageDefault: 'de' })])).toBe(0);
  });

  it('sees a write through the same pool at once, before any event', async () => {
    const pool = watched();
    expect(pool.loadSync()).toEqual([]);
    await pool.replace([persona(1), persona(2)]);
    expect(pool.loadSync()).toHaveLength(2);
    expect(await fsCallsDuring(() => pool.loadSync())).toBe(0);
  });

  it('does not see a foreign write until the event loop delivers its event: no syscall means no look', async () => {
    write(1);
    const pool = watched();
    expect(pool.loadSync()).toHaveLength(1);
    write(2); // in this synchronous block, the event cannot have been delivered yet
    expect(pool.loadSync()).toHaveLength(1);
    await waitFor(() => pool.loadSync().length === 2);
    expect(pool.watching).toBe(true);
  });

  it('sees each write another process completed, in a read that starts after a setImmediate once told of it', async () => {
    const pool = watched();
    pool.loadSync();
    const child = spawn(process.execPath, [join(FIXTURES, 'replace-on-line.mjs'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      for (let n = 1; n <= 25; n++) {
        const version = await ask(child, String(n));
        // The writer's event was queued before its rename returned, so before it wrote this line:
        // the event loop handles it in the same poll as the line, or before; a setImmediate runs after both.
        await new Promise((resolve) => setImmediate(resolve));
        expect(pool.snapshotSync()).toMatchObject({ version, personas: { length: n } });
      }
    } finally {
      child.kill();
    }
    expect(pool.watching).toBe(true);
  });

  it('sees a file renamed over the pool path, as atomic writers do', async () => {
    write(1);
    const pool = watched();
    expect(pool.loadSync()).toHaveLength(1);
    write(4, join(dir, 'incoming.json'));
    fs.renameSync(join(dir, 'incoming.json'), file);
    await waitFor(() => pool.loadSync().length === 4);
    fs.rmSync(file);
    await waitFor(() => pool.snapshotSync().version === 'absent');
    expect(pool.watching).toBe(true);
  });

  it('resolves the path once: a later change of the variable is not followed', () => {
    const other = join(dir, 'other.json');
    write(1);
    write(2, other);
    const env = { DECNET_REALISM_PERSONAS: file };
    const pool = track(new PersonaPool({ store: fileStore({ env, resolveOnce: true }), watch: true }));
    env.DECNET_REALISM_PERSONAS = other;
    expect(pool.resolvePath()).toBe(file);
    expect(pool.loadSync()).toHaveLength(1);
    expect(new PersonaPool({ store: fileStore({ env }) }).loadSync()).toHaveLength(2);
  });

  it('is off by default, and the option must be a boolean', () => {
    expect(new PersonaPool({ path: file }).watching).toBe(false);
    expect(() => new PersonaPool({ path: file, watch: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

/** Sends a line to the writer child and resolves with the line it prints back. */
function ask(child: ChildProcessWithoutNullStreams | ReturnType<typeof spawn>, line: string): Promise<string> {
  return new Promise((resolve) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.stdin?.write(`${line}\n`);
  });
}

describe('falling back to a stat per read', () => {
  it('falls back when the folder is deleted and recreated, and still sees every change', async () => {
    write(1);
    const pool = watched();
    expect(pool.loadSync()).toHaveLength(1);
    const lines = await debugLines('persona-pool:watch', async () => {
      fs.rmSync(dir, { recursive: true });
      fs.mkdirSync(dir);
      write(3);
      await waitFor(() => !pool.watching);
    });
    expect(lines.filter((line) => line.includes('watch mode off'))).toHaveLength(1);
    expect(pool.loadSync()).toHaveLength(3);
    write(5); // no event reaches the pool now: a stat does
    expect(pool.loadSync()).toHaveLength(5);
  });

  it('falls back, without throwing from the watcher, when the folder is replaced by a file', async () => {
    write(1);
    const pool = watched();
    pool.loadSync();
    fs.rmSync(dir, { recursive: true });
    fs.writeFileSync(dir, 'not a folder');
    await waitFor(() => !pool.watching);
    expect(pool.snapshotSync().problem).toMatchObject({ code: 'UNREADABLE' });
    fs.rmSync(dir);
  });

  it('falls back at the periodic check when an ancestor folder is moved, which no event tells', async () => {
    const nested = join(dir, 'sub', 'personas.json');
    fs.mkdirSync(join(dir, 'sub'));
    write(1, nested);
    const pool = watched(nested);
    pool.loadSync();
    fs.renameSync(dir, `${dir}-old`);
    fs.writeFileSync(dir, 'an ancestor is now a file');
    await waitFor(() => !pool.watching);
    expect(pool.snapshotSync().problem).toMatchObject({ code: 'UNREADABLE' });
    fs.rmSync(dir);
    fs.renameSync(`${dir}-old`, dir);
  });

  it('falls back when the folder itself is renamed away', async () => {
    write(1);
    const pool = watched();
    pool.loadSync();
    fs.renameSync(dir, `${dir}-moved`);
    await waitFor(() => !pool.watching);
    expect(pool.snapshotSync().version).toBe('absent');
    fs.rmSync(`${dir}-moved`, { recursive: true });
  });

  it('starts in stat mode when the folder does not exist, and sees the file once it appears', async () => {
    const missing = join(dir, 'not-yet', 'personas.json');
    let pool = undefined as unknown as PersonaPool;
    const lines = await debugLines('persona-pool:watch', () => {
      pool = watched(missing);
      expect(pool.watching).toBe(false);
    });
    expect(lines.join('\n')).toMatch(/watch mode off .*ENOENT/);
    expect(pool.loadSync()).toEqual([]);
    fs.mkdirSync(join(dir, 'not-yet'));
    write(2, missing);
    expect(pool.loadSync()).toHaveLength(2);
  });

  it('starts in stat mode when the folder is a file, or has the pool file\'s name', () => {
    write(1);
    expect(watched(join(file, 'personas.json')).watching).toBe(false);
    fs.mkdirSync(join(dir, 'same'));
    expect(watched(join(dir, 'same', 'same')).watching).toBe(false);
  });

  it('falls back when the watcher reports an error (an exhausted inotify, say)', async () => {
    const real = fs.watch;
    const watchers: fs.FSWatcher[] = [];
    vi.spyOn(fs, 'watch').mockImplementation(((...args: Parameters<typeof fs.watch>) => {
      const watcher = real(...args);
      watchers.push(watcher);
      return watcher;
    }) as typeof fs.watch);
    write(1);
    const pool = watched();
    pool.loadSync();
    expect(pool.watching).toBe(true);
    const lines = await debugLines('persona-pool:watch', () => void watchers[0]?.emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' })));
    expect(pool.watching).toBe(false);
    expect(lines.join('\n')).toContain('ENOSPC');
    write(2);
    expect(pool.loadSync()).toHaveLength(2);
  });

  it('falls back when fs.watch cannot start (EMFILE)', () => {
    vi.spyOn(fs, 'watch').mockImplementation(() => {
      throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
    });
    write(1);
    const pool = watched();
    expect(pool.watching).toBe(false);
    expect(pool.loadSync()).toHaveLength(1);
  });

  it('does not watch a folder on a network file system', async () => {
    const real = fs.statfsSync;
    vi.spyOn(fs, 'statfsSync').mockImplementation(((path: fs.PathLike) => ({ ...real(path), type: 0x6969 })) as typeof fs.statfsSync);
    let pool = undefined as unknown as PersonaPool;
    const lines = await debugLines('persona-pool:watch', () => void (pool = watched()));
    expect(pool.watching).toBe(false);
    expect(lines.join('\n')).toContain('NFS');
  });

  it('does not trust events for a symlinked pool file, from the start or once one is put in place', async () => {
    const target = join(dir, 'target.json');
    write(1, target);
    const link = join(dir, 'link.json');
    fs.symlinkSync(target, link);
    expect(watched(link).watching).toBe(false);
    write(1);
    const pool = watched();
    pool.loadSync();
    fs.rmSync(file);
    fs.symlinkSync(target, file);
    await waitFor(() => !pool.watching);
    write(6, target);
    expect(pool.loadSync()).toHaveLength(6);
  });

  it('sees a change whose event was lost, at the next periodic check', async () => {
    const real = fs.watch;
    // A watcher that starts but never tells: what an overflowed inotify queue looks like to Node.
    vi.spyOn(fs, 'watch').mockImplementation(((path: fs.PathLike, options: fs.WatchOptions) => real(path, options, () => undefined)) as typeof fs.watch);
    write(1);
    const pool = watched();
    pool.loadSync();
    write(2);
    await waitFor(() => pool.loadSync().length === 2);
    expect(pool.watching).toBe(true);
  });
});

describe('close', () => {
  it('stops watching; the pool still reads with a stat, and closes once', async () => {
    write(1);
    const pool = watched();
    pool.loadSync();
    await pool.close();
    expect(pool.watching).toBe(false);
    write(2);
    expect(pool.loadSync()).toHaveLength(2);
    await expect(pool.close()).resolves.toBeUndefined();
  });

  it('is the async dispose', async () => {
    const pool = watched();
    await pool[Symbol.asyncDispose]();
    expect(pool.watching).toBe(false);
  });

  it.each(['watch', 'stat'])('lets a script that forgets close() exit (%s mode, a subscriber, an iterator, a held GET)', async (mode) => {
    const result = await runNode(join(FIXTURES, 'watch-forgets-close.mjs'), [file, mode]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ watching: mode === 'watch', seen: [1] });
  });
});
