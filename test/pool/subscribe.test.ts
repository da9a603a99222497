// Subscriptions and changes(), in both modes: real files, real child processes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PersonaPool, type PoolSnapshot } from '../../src/index.js';
import { closedAfterEach, debugLines, FIXTURES, persona, runNode, tempDir, waitFor } from '../helpers/common.js';

const track = closedAfterEach();
let dir: string;
let file: string;

beforeEach(() => {
  dir = tempDir();
  file = join(dir, 'personas.json');
});

function poolOf(watch: boolean, path = file): PersonaPool {
  return track(new PersonaPool({ path, watch }));
}

function list(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, n) => persona(n));
}

function write(count: number): void {
  fs.writeFileSync(file, JSON.stringify(list(count)));
}

/** A listener that records the snapshots it gets. */
function recorder(): { listener: (snapshot: PoolSnapshot) => void; seen: PoolSnapshot[]; counts: () => number[] } {
  const seen: PoolSnapshot[] = [];
  return { listener: (snapshot) => void seen.push(snapshot), seen, counts: () => seen.map((snapshot) => snapshot.personas.length) };
}

/** Lets events and checks run for a while: for asserting that nothing more comes. */
const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['watch mode', true],
  ['stat mode', false],
])('subscribe, in %s', (_mode, watch) => {
  it('tells a subscriber of a write by another process', async () => {
    write(1);
    const pool = poolOf(watch);
    const { listener, seen } = recorder();
    pool.subscribe(listener);
    const result = await runNode(join(FIXTURES, 'replace-once.mjs'), [file, JSON.stringify(list(3))]);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, count: 3 });
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ path: file, personas: { length: 3 }, problem: null });
    expect(seen[0]?.version).toBe(new PersonaPool({ path: file }).snapshotSync().version);
  });

  it('tells of a write through the same pool at once, and once only when its event comes', async () => {
    const pool = poolOf(watch);
    const { listener, counts } = recorder();
    pool.subscribe(listener);
    await pool.replace(list(2));
    expect(counts()).toEqual([2]);
    await settle();
    expect(counts()).toEqual([2]);
  });

  it('says nothing of a write that leaves the content equal', async () => {
    const pool = poolOf(watch);
    await pool.replace(list(2));
    const { listener, seen } = recorder();
    pool.subscribe(listener);
    await pool.replace(list(2));
    write(2); // the same personas in other bytes (unindented): a new version
    await waitFor(() => seen.length === 1);
    await pool.replace(list(2));
    await pool.replace(list(2));
    await settle();
    expect(seen.map((snapshot) => snapshot.personas.length)).toEqual([2, 2]);
    expect(seen[0]?.version).not.toBe(seen[1]?.version);
  });

  it('tells each version once and in order while another process writes 60 times and this one too', async () => {
    const pool = poolOf(watch);
    const versions: string[] = [];
    pool.subscribe((snapshot) => void versions.push(snapshot.version));
    const child = spawn(process.execPath, [join(FIXTURES, 'replace-on-line.mjs'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const written: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => written.push(...chunk.toString().trim().split('\n')));
    for (let n = 1; n <= 60; n++) child.stdin.write(`${n}\n`);
    await waitFor(() => written.length === 60);
    child.kill();
    const own = await pool.replace(list(9));
    await waitFor(() => versions.at(-1) === own.version);
    await settle();
    for (let i = 1; i < versions.length; i++) expect(versions[i]).not.toBe(versions[i - 1]);
    // In the order written: each version told comes later in the writes than the one told before.
    const order = [...written, own.version];
    const positions = versions.map((version) => order.lastIndexOf(version));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(versions.at(-1)).toBe(own.version);
  });

  it('keeps calling the others when a listener throws or rejects, and logs it', async () => {
    const pool = poolOf(watch);
    const { listener, counts } = recorder();
    pool.subscribe(() => {
      throw new Error('listener bug');
    });
    pool.subscribe(() => Promise.reject(new Error('async listener bug')));
    pool.subscribe(listener);
    const log = (await debugLines('persona-pool:*', async () => {
      await pool.replace(list(1));
      await settle(10);
    })).join('\n');
    expect(counts()).toEqual([1]);
    expect(log).toContain('listener bug');
    expect(log).toContain('async listener bug');
  });

  it('stops calling a listener once unsubscribed', async () => {
    const pool = poolOf(watch);
    const { listener, counts } = recorder();
    const unsubscribe = pool.subscribe(listener);
    await pool.replace(list(1));
    unsubscribe();
    unsubscribe();
    await pool.replace(list(2));
    write(3);
    await settle();
    expect(counts()).toEqual([1]);
  });

  it('tells of a change made between the pool\'s last read and the subscription', async () => {
    write(1);
    const pool = poolOf(watch);
    expect(pool.loadSync()).toHaveLength(1);
    write(2);
    const { listener, counts } = recorder();
    pool.subscribe(listener);
    await waitFor(() => counts().length === 1);
    expect(counts()).toEqual([2]);
  });

  it('does not tell a listener added by another listener of the version being told', async () => {
    const pool = poolOf(watch);
    const late = recorder();
    pool.subscribe(() => void pool.subscribe(late.listener));
    await pool.replace(list(1));
    expect(late.counts()).toEqual([]);
    await pool.replace(list(2));
    expect(late.counts()).toEqual([2]);
  });

  it('does not tell a listener removed, or a pool closed, by a listener called before it', async () => {
    const pool = poolOf(watch);
    const second = recorder();
    let unsubscribeSecond: () => void = () => undefined;
    pool.subscribe(() => unsubscribeSecond());
    unsubscribeSecond = pool.subscribe(second.listener);
    await pool.replace(list(1));
    expect(second.counts()).toEqual([]);
    const third = recorder();
    pool.subscribe(() => void pool.close());
    pool.subscribe(third.listener);
    const changes = pool.changes();
    await pool.replace(list(2));
    expect(third.counts()).toEqual([]);
    expect(await changes.next()).toEqual({ done: true, value: undefined });
  });

  it('tells of the folder deleted and recreated with another pool in it', async () => {
    write(1);
    const pool = poolOf(watch);
    const { listener, counts } = recorder();
    pool.subscribe(listener);
    fs.rmSync(dir, { recursive: true });
    fs.mkdirSync(dir);
    write(4);
    await waitFor(() => counts().at(-1) === 4);
    write(5); // no event now, if the watch failed: the periodic check finds it
    await waitFor(() => counts().at(-1) === 5);
  });
});

describe('subscribe in stat mode', () => {
  it('watches only while subscribed, and never answers reads from memory', async () => {
    const pool = poolOf(false);
    const log = (await debugLines('persona-pool:*', async () => {
      const unsubscribe = pool.subscribe(() => undefined);
      expect(pool.watching).toBe(false);
      unsubscribe();
    })).join('\n');
    expect(log).toMatch(/watching .*personas\.json[\s\S]*stopped watching/);
  });

  it('serves subscribers with the periodic check where the folder cannot be watched', async () => {
    const missing = join(dir, 'later', 'personas.json');
    const pool = poolOf(false, missing);
    const { listener, counts } = recorder();
    pool.subscribe(listener);
    fs.mkdirSync(join(dir, 'later'));
    fs.writeFileSync(missing, JSON.stringify(list(2)));
    await waitFor(() => counts().length === 1);
    expect(counts()).toEqual([2]);
  });
});

describe('changes()', () => {
  it('iterates new versions, and ends cleanly when the signal aborts', async () => {
    const pool = poolOf(true);
    const controller = new AbortController();
    const counts: number[] = [];
    const loop = (async () => {
      for await (const snapshot of pool.changes({ signal: controller.signal })) {
        counts.push(snapshot.personas.length);
        if (counts.length === 2) controller.abort();
      }
    })();
    await pool.replace(list(1));
    await waitFor(() => counts.length === 1);
    write(2);
    await loop;
    expect(counts).toEqual([1, 2]);
  });

  it('coalesces: a slow consumer gets the latest version, not a queue', async () => {
    const pool = poolOf(true);
    const changes = pool.changes();
    for (let n = 1; n <= 5; n++) await pool.replace(list(n));
    const next = await changes.next();
    expect(next.value?.personas).toHaveLength(5);
    let waited = false;
    const pending = changes.next().then((result) => ((waited = true), result));
    await settle(20);
    expect(waited).toBe(false);
    await pool.replace(list(6));
    expect((await pending).value?.personas).toHaveLength(6);
    await changes.return?.();
  });

  it('ends on close(), with next() waiting, and gives nothing after', async () => {
    const pool = poolOf(true);
    const changes = pool.changes();
    const waiting = [changes.next(), changes.next()];
    await pool.close();
    expect(await Promise.all(waiting)).toEqual([{ done: true, value: undefined }, { done: true, value: undefined }]);
    expect(await changes.next()).toEqual({ done: true, value: undefined });
    const after = pool.changes();
    expect(await after.next()).toEqual({ done: true, value: undefined });
    const { listener, counts } = recorder();
    pool.subscribe(listener)();
    pool.subscribe(listener);
    await pool.replace(list(1));
    expect(counts()).toEqual([]);
  });

  it('ends at once with a signal already aborted, and unsubscribes on break', async () => {
    const pool = poolOf(false);
    expect(await pool.changes({ signal: AbortSignal.abort() }).next()).toEqual({ done: true, value: undefined });
    const log = (await debugLines('persona-pool:*', async () => {
      const loop = (async () => {
        for await (const snapshot of pool.changes()) if (snapshot.personas.length === 1) break;
      })();
      await pool.replace(list(1));
      await loop;
    })).join('\n');
    // The stat-mode watch stops when the last subscriber leaves: the break unsubscribed.
    expect(log).toMatch(/stopped watching/);
  });
});
