// A pool path that is not a regular file: named pipes, sockets and devices made in a temp folder
// (never the machine's own /dev entries as write targets). A read that blocked would time out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import lockfile from 'proper-lockfile';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { fileKind, readBounded, readBoundedSync, readStreamBounded } from '../../../src/stores/file/bounded-read.js';
import { handlePersonasRequest, fileStore, PersonaPool } from '../../../src/index.js';
import { failure, FIXTURES, persona, runNode, tempDir } from '../../helpers/common.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A named pipe, made with mkfifo. */
function fifo(name = 'fifo'): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

/** A device node, made with mknod: `c 1 3` is a null device, `c 1 5` a zero device, `b 7 0` a loop device. */
function device(name: string, type: 'c' | 'b', major: number, minor: number): string {
  const path = join(dir, name);
  execFileSync('mknod', [path, type, String(major), String(minor)]);
  return path;
}

/** A listening Unix socket, closed after the test. */
async function socket(): Promise<string> {
  const path = join(dir, 'socket');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return path;
}


const SPECIAL: readonly [string, () => string | Promise<string>][] = [
  ['a named pipe (FIFO)', () => fifo()],
  ['a character device', () => device('null', 'c', 1, 3)],
  ['a character device', () => device('zero', 'c', 1, 5)],
  ['a block device', () => device('loop', 'b', 7, 0)],
  ['a socket', socket],
];

describe('reading a pool that is not a regular file', () => {
  it.each(SPECIAL)('gives [] and UNREADABLE for %s from load, loadSync, snapshot and snapshotSync', async (what, make) => {
    const path = await make();
    const said = `The persona pool ${path} is ${what}, not a regular file`;
    const [sync, async] = [new PersonaPool({ path }), new PersonaPool({ path })];
    expect(sync.loadSync()).toEqual([]);
    expect(await async.load()).toEqual([]);
    for (const snapshot of [sync.snapshotSync(), await async.snapshot(), new PersonaPool({ path }).snapshotSync(), await new PersonaPool({ path }).snapshot()]) {
      expect(snapshot).toMatchObject({ personas: [], problem: { code: 'UNREADABLE' } });
      expect(snapshot.problem?.message).toContain(said);
      expect(snapshot.problem?.message).toContain('Point the pool at a regular JSON file');
    }
  });

  it('gives UNREADABLE in a child process too, whose every read returns (a blocked one is killed)', async () => {
    for (const path of [fifo(), device('zero', 'c', 1, 5), fs.realpathSync(fifo('other'))]) {
      const result = await runNode(join(FIXTURES, 'read-all.mjs'), [path], { timeout: 30_000 });
      expect(result.signal).toBeNull();
      const reads = JSON.parse(result.stdout) as { personas: unknown[]; problem: { code: string } }[];
      expect(reads.map((read) => [read.personas, read.problem.code])).toEqual(Array(4).fill([[], 'UNREADABLE']));
    }
  });

  it('follows a symlink to a named pipe, and reports the pipe', () => {
    const link = join(dir, 'personas.json');
    fs.symlinkSync(fifo(), link);
    expect(new PersonaPool({ path: link }).snapshotSync().problem?.message).toContain('is a named pipe (FIFO), not a regular file');
  });

  it('caches the verdict: an unchanged device costs one stat a read, not an open', () => {
    const pool = new PersonaPool({ path: device('null', 'c', 1, 3) });
    const first = pool.snapshotSync();
    const open = vi.spyOn(fs, 'openSync');
    expect(pool.snapshotSync()).toBe(first);
    expect(open).not.toHaveBeenCalled();
  });
});

describe('replace over a path that is not a regular file', () => {
  it.each(SPECIAL)('refuses %s with WRITE_FAILED (409) and leaves it as it was', async (what, make) => {
    const path = await make();
    const before = fs.lstatSync(path);
    const pool = new PersonaPool({ path });
    const error = await failure(pool.replace([persona(1)]));
    expect([error.code, error.status]).toEqual(['WRITE_FAILED', 409]);
    expect(error.message).toContain(`The persona pool ${path} is ${what}, not a regular file: nothing was written`);
    expect(error.message).toContain('Point the pool at a regular file (pass a writable path)');
    const after = fs.lstatSync(path);
    expect([fileKind(after), after.ino, after.rdev, after.size]).toEqual([what, before.ino, before.rdev, 0]);
    // No lock folder, temporary file or history beside it.
    expect(fs.readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
  });

  it('follows symlinks: a link to a device is refused, and both stay as they were', async () => {
    const null_ = device('null', 'c', 1, 3);
    const link = join(dir, 'personas.json');
    fs.symlinkSync('null', link);
    const error = await failure(new PersonaPool({ path: link }).replace([persona(1)]));
    expect([error.code, error.status]).toEqual(['WRITE_FAILED', 409]);
    expect(error.message).toContain(`${link} is a character device`);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.statSync(null_).isCharacterDevice()).toBe(true);
  });

  it('answers a PUT through the HTTP handler with 409 and the message, the device left as it was', async () => {
    const path = device('null', 'c', 1, 3);
    const user = { role: 'admin' };
    const response = await handlePersonasRequest({ pool: new PersonaPool({ path }), method: 'PUT', user, body: { personas: [persona(1)] } });
    expect(response.status).toBe(409);
    expect(JSON.parse(String(response.body)).detail).toContain(`${path} is a character device, not a regular file`);
    expect(fs.statSync(path).isCharacterDevice()).toBe(true);
  });

  it('names the variable to set when the path came from it', async () => {
    const env = { DECNET_REALISM_PERSONAS: fifo() };
    const error = await failure(new PersonaPool({ store: fileStore({ env }) }).replace([persona(1)]));
    expect(error.message).toContain('set DECNET_REALISM_PERSONAS to a writable file path');
  });

  it('checks again under the lock: a pipe made while the writer waits for the lock is refused', async () => {
    const path = join(dir, 'personas.json');
    const release = await lockfile.lock(path, { realpath: false, lockfilePath: `${path}.lock`, stale: 10_000, update: 1_000 });
    const writing = failure(new PersonaPool({ path }).replace([persona(1)]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    execFileSync('mkfifo', [path]);
    await release();
    const error = await writing;
    expect([error.code, error.status]).toEqual(['WRITE_FAILED', 409]);
    expect(fs.lstatSync(path).isFIFO()).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['personas.json']);
  });

  it('checks again right before the rename: a pipe made during the fsync is refused, no temporary file left', async () => {
    const path = join(dir, 'personas.json');
    const fsync = fs.fsync;
    vi.spyOn(fs, 'fsync').mockImplementationOnce((fd, done) => {
      execFileSync('mkfifo', [path]);
      fsync(fd, done);
    });
    const error = await failure(new PersonaPool({ path }).replace([persona(1)]));
    expect([error.code, error.status]).toEqual(['WRITE_FAILED', 409]);
    expect(fs.lstatSync(path).isFIFO()).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['personas.json']);
  });
});

describe('the bounded read', () => {
  it('reads at most maxBytes + 1 bytes of a file whose fstat claims 0 bytes (procfs)', async () => {
    const path = '/proc/self/status';
    const read = vi.spyOn(fs, 'readSync');
    const small = readBoundedSync(path, 100);
    expect(small).toMatchObject({ kind: 'too-large', size: null });
    const asked = read.mock.calls.reduce((sum, call) => sum + Number((call as unknown[])[3]), 0);
    expect(asked).toBeLessThanOrEqual(101);
    expect(await readBounded(path, 100)).toMatchObject({ kind: 'too-large', size: null });
    const whole = readBoundedSync(path, 1_000_000);
    expect(whole.kind === 'read' && whole.bytes.toString()).toMatch(/^Name:/);
    const wholeAsync = await readBounded(path, 1_000_000);
    expect(wholeAsync.kind === 'read' && wholeAsync.bytes.toString()).toMatch(/^Name:/);
  });

  it('grows its buffer for a file larger than its fstat said, and reads it whole', async () => {
    const path = join(dir, 'big.json');
    const content = Buffer.from('x'.repeat(300_000));
    fs.writeFileSync(path, content);
    const fstat = fs.fstatSync.bind(fs);
    vi.spyOn(fs, 'fstatSync').mockImplementationOnce((fd, options) => Object.create(fstat(fd, options), { size: { value: 10n } }) as fs.BigIntStats);
    const read = readBoundedSync(path, 1_000_000);
    expect(read.kind === 'read' && read.bytes.equals(content)).toBe(true);
    expect(await readBounded(path, 299_999)).toMatchObject({ kind: 'too-large', size: 300_000n });
    const exact = await readBounded(path, 300_000);
    expect(exact.kind === 'read' && exact.bytes.length).toBe(300_000);
  });

  it('reads a file that shrank after its fstat to its real end', () => {
    const path = join(dir, 'small.json');
    fs.writeFileSync(path, '[]');
    const fstat = fs.fstatSync.bind(fs);
    vi.spyOn(fs, 'fstatSync').mockImplementationOnce((fd, options) => Object.create(fstat(fd, options), { size: { value: 50n } }) as fs.BigIntStats);
    const read = readBoundedSync(path, 1_000);
    expect(read.kind === 'read' && read.bytes.toString()).toBe('[]');
  });

  it('reports a missing file, a read error, and what a special file is', () => {
    expect(readBoundedSync(join(dir, 'missing'), 10)).toEqual({ kind: 'missing' });
    expect(readBoundedSync(join(dir, 'missing', 'below'), 10)).toEqual({ kind: 'missing' });
    fs.writeFileSync(join(dir, 'file'), 'x');
    expect(readBoundedSync(join(dir, 'file', 'below'), 10)).toMatchObject({ kind: 'failed', error: { code: 'ENOTDIR' } });
    fs.symlinkSync('file', join(dir, 'link'));
    expect(fileKind(fs.lstatSync(join(dir, 'link')))).toBe('a symbolic link');
    expect(readBoundedSync(dir, 10)).toMatchObject({ kind: 'not-a-file', what: 'a folder' });
  });

  it('reports an error while reading as failed: /proc/self/mem gives EIO at offset 0', async () => {
    const path = '/proc/self/mem';
    expect(readBoundedSync(path, 10)).toMatchObject({ kind: 'failed', error: { code: 'EIO' } });
    expect(await readBounded(path, 10)).toMatchObject({ kind: 'failed', error: { code: 'EIO' } });
    expect((await new PersonaPool({ path }).snapshot()).problem).toMatchObject({ code: 'UNREADABLE', message: expect.stringContaining('(EIO)') });
  });

  it('reads a stream to its end within the limit, and stops one byte past it', async () => {
    expect((await readStreamBounded(Readable.from(['[', Buffer.from(']'), new Uint8Array([10])]), 3))?.toString()).toBe('[]\n');
    const endless = Readable.from((function* () {
      for (;;) yield Buffer.alloc(1000);
    })());
    expect(await readStreamBounded(endless, 2500)).toBeNull();
    expect(endless.destroyed).toBe(true);
  });
});
