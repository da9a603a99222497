import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileStore, PersonaPool } from '../../src/index.js';
import { PERSONA_FIELDS } from '../../src/persona/schema.js';
import { failure, freshPool, persona } from '../helpers/common.js';

let { dir, file, pool } = freshPool();
beforeEach(() => ({ dir, file, pool } = freshPool()));
afterEach(() => vi.restoreAllMocks());


const leftovers = () => fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('replace: input checks', () => {
  beforeEach(() => fs.writeFileSync(file, JSON.stringify([persona(0)])));

  it.each([[{ personas: [] }], ['[]'], [null], [undefined]])('rejects %o with NOT_A_LIST (400) and writes nothing', async (input) => {
    const error = await failure(pool.replace(input));
    expect([error.code, error.status]).toEqual(['NOT_A_LIST', 400]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([persona(0)]);
  });

  it('rejects more than maxPersonas with TOO_MANY (413)', async () => {
    const small = new PersonaPool({ path: file, maxPersonas: 2 });
    const error = await failure(small.replace([persona(1), persona(2), persona(3)]));
    expect([error.code, error.status]).toEqual(['TOO_MANY', 413]);
    expect(error.message).toMatch(/3.*limit is 2/);
    await expect(small.replace([persona(1), persona(2)])).resolves.toMatchObject({ personas: { length: 2 } });
  });

  it('rejects a list with no valid entry with ALL_INVALID (400): what failed, what is required, and why', async () => {
    const error = await failure(pool.replace([{ name: 'Ann', email: 'not-an-email', role: 'CFO' }, { role: 'x' }]));
    expect([error.code, error.status]).toEqual(['ALL_INVALID', 400]);
    expect(error.message).toMatch(/validation failed/i);
    for (const words of ['name', 'user@domain.tld', 'role', 'email must look like user@domain.tld', 'name is required']) {
      expect(error.message).toContain(words);
    }
    expect(error.rejected?.map((entry) => entry.index)).toEqual([0, 1]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([persona(0)]);
  });

  it('accepts an empty list and empties the pool', async () => {
    const result = await pool.replace([]);
    expect(result.personas).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe('[]\n');
    expect(await pool.load()).toEqual([]);
  });

  it('drops invalid entries of a partly valid list and returns them in rejected', async () => {
    const result = await pool.replace([persona(1), { name: 'Bob', email: 'bob@corp', role: 'x' }, persona(2)]);
    expect(result.personas.map((p) => p.name)).toEqual(['Persona 1', 'Persona 2']);
    expect(result.rejected).toEqual([{ index: 1, issues: [{ path: 'email', message: 'email must look like user@domain.tld' }] }]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(2);
  });

  it('returns the warnings by input index, and writes the very bytes it writes without them', async () => {
    const entries = [persona(1), { role: 'x' }, persona(2, { activ_hours: '08:00-16:00', active_hours: '25:00-26:00' }), persona(3, { email: 'PERSONA1@corp.example' })];
    const result = await pool.replace(entries);
    expect(result.warnings.map(({ index, path, code }) => [index, path, code])).toEqual([
      [2, 'activ_hours', 'UNKNOWN_FIELD'],
      [2, 'active_hours', 'BAD_ACTIVE_HOURS'],
      [3, 'email', 'DUPLICATE_EMAIL'],
    ]);
    const withWarnings = fs.readFileSync(file, 'utf8');
    await pool.replace([persona(1), persona(2, { active_hours: '25:00-26:00' }), persona(3, { email: 'PERSONA1@corp.example' })]);
    expect(fs.readFileSync(file, 'utf8')).toBe(withWarnings);
    expect((await pool.replace([persona(1), persona(2)])).warnings).toEqual([]);
  });
});

describe('replace: the file written', () => {
  it('holds all eleven fields in schema order, language resolved, 2-space indent, non-ASCII as is', async () => {
    await pool.replace([{ name: 'Renée Ødegård', email: 'renee@corp.example', role: 'Directrice', uses_llms_heavily: 'yes', extra: 1 }]);
    const text = fs.readFileSync(file, 'utf8');
    const [written] = JSON.parse(text) as Record<string, unknown>[];
    expect(Object.keys(written ?? {})).toEqual([...PERSONA_FIELDS]);
    expect(written).toMatchObject({ language: 'en', uses_llms_heavily: true, tone: 'formal', mannerisms: [] });
    expect(text).toContain('Renée Ødegård');
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(text.split('\n')[1]).toBe('  {');
  });

  it('is read back unchanged by Python json, as the original reads it', async () => {
    await pool.replace([persona(1, { mannerisms: ['Cheers', 'ñ'], signature: 'Ann — CFO\nACME' }), persona(2, { tone: 'custom', tone_custom: 'dry' })]);
    const script = 'import json,sys; d=json.load(open(sys.argv[1],encoding="utf-8")); sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False) + "\\n")';
    const python = execFileSync('python3', ['-c', script, file], { encoding: 'utf8' });
    expect(python).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('creates missing parent folders', async () => {
    const deep = join(dir, 'a', 'b', 'personas.json');
    await new PersonaPool({ path: deep }).replace([persona(1)]);
    expect(JSON.parse(fs.readFileSync(deep, 'utf8'))).toHaveLength(1);
  });

  it('keeps the mode of an existing file', async () => {
    fs.writeFileSync(file, '[]');
    fs.chmodSync(file, 0o600);
    await pool.replace([persona(1)]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps a symlinked pool a symlink and replaces its target', async () => {
    const target = join(dir, 'real.json');
    fs.writeFileSync(target, '[]');
    fs.symlinkSync('real.json', file);
    await pool.replace([persona(1)]);
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toHaveLength(1);
    expect(await pool.load()).toHaveLength(1);
  });

  it('follows a dangling symlink and creates its target', async () => {
    fs.symlinkSync(join(dir, 'later', 'real.json'), file);
    await pool.replace([persona(1)]);
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(join(dir, 'later', 'real.json'), 'utf8'))).toHaveLength(1);
  });

  it('leaves no temporary file and no lock behind', async () => {
    await pool.replace([persona(1)]);
    expect(fs.readdirSync(dir)).toEqual(['personas.json']);
  });

  it('removes temporary files left by a killed writer; readers ignore them', async () => {
    fs.writeFileSync(file, JSON.stringify([persona(0)]));
    fs.writeFileSync(join(dir, '.personas.json.999-0-1-dead.tmp'), '[{"name": "half');
    fs.writeFileSync(join(dir, 'unrelated.tmp'), 'keep');
    expect(await pool.load()).toHaveLength(1);
    await pool.replace([persona(1)]);
    expect(leftovers()).toEqual(['unrelated.tmp']);
  });
});

describe('replace: versions and the cache', () => {
  it('returns the version snapshot() reports, equal for equal content', async () => {
    const first = await pool.replace([persona(1)]);
    expect((await pool.snapshot()).version).toBe(first.version);
    await pool.replace([persona(2)]);
    const again = await pool.replace([persona(1)]);
    expect(again.version).toBe(first.version);
  });

  it('writes when ifMatch is the current version, including the missing file', async () => {
    const { version } = pool.snapshotSync();
    expect(version).toBe('absent');
    const written = await pool.replace([persona(1)], { ifMatch: version });
    await expect(pool.replace([persona(2)], { ifMatch: written.version })).resolves.toBeTruthy();
  });

  it('refuses a stale ifMatch with VERSION_MISMATCH (412) and writes nothing', async () => {
    const { version } = await pool.replace([persona(1)]);
    fs.writeFileSync(file, JSON.stringify([persona(9)]));
    const error = await failure(pool.replace([persona(2)], { ifMatch: version }));
    expect([error.code, error.status]).toEqual(['VERSION_MISMATCH', 412]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([persona(9)]);
  });

  it('shows the new personas on this pool and on another pool of the same file', async () => {
    const other = new PersonaPool({ path: file });
    expect(await other.load()).toEqual([]);
    await pool.replace([persona(1), persona(2)]);
    expect(await pool.load()).toHaveLength(2);
    expect(await other.load()).toHaveLength(2);
  });

  it('serves the write from the cache without reading the file again', async () => {
    const { personas } = await pool.replace([persona(1)]);
    const read = vi.spyOn(fs, 'openSync');
    expect(pool.loadSync()).toBe(personas);
    expect(read).not.toHaveBeenCalled();
  });
});

describe('replace: ordering', () => {
  it('ends with the last call when many are fired at once (last write wins)', async () => {
    const lists = Array.from({ length: 25 }, (_, i) => Array.from({ length: (i % 5) + 1 }, (_, k) => persona(i * 10 + k)));
    const results = await Promise.all(lists.map((list) => pool.replace(list)));
    expect(results.map((result) => result.personas.length)).toEqual(lists.map((list) => list.length));
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).map((p: { name: string }) => p.name)).toEqual(lists.at(-1)?.map((p) => p.name));
  });

  it('keeps going after a failed call', async () => {
    const failed = pool.replace('nope');
    const next = pool.replace([persona(1)]);
    await expect(failed).rejects.toMatchObject({ code: 'NOT_A_LIST' });
    await expect(next).resolves.toMatchObject({ personas: { length: 1 } });
  });
});

describe('replace: locks', () => {
  const lockDir = () => `${file}.lock`;

  it('takes over a stale lock left by a crashed writer', async () => {
    fs.mkdirSync(lockDir());
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lockDir(), past, past);
    await pool.replace([persona(1)]);
    expect(fs.existsSync(lockDir())).toBe(false);
    expect(await pool.load()).toHaveLength(1);
  });

  it('does not block on a lock dated in the future', async () => {
    fs.mkdirSync(lockDir());
    const future = new Date(Date.now() + 3_600_000);
    fs.utimesSync(lockDir(), future, future);
    await new PersonaPool({ store: fileStore({ path: file, lockWaitMs: 500 }) }).replace([persona(1)]);
    expect(await pool.load()).toHaveLength(1);
  });

  it('gives LOCKED (503) when a live lock is still held after the wait', async () => {
    fs.writeFileSync(file, '[]');
    fs.mkdirSync(lockDir());
    const waiting = new PersonaPool({ store: fileStore({ path: file, lockWaitMs: 300 }) });
    const error = await failure(waiting.replace([persona(1)]));
    expect([error.code, error.status]).toEqual(['LOCKED', 503]);
    expect(error.message).toContain(lockDir());
    expect(fs.readFileSync(file, 'utf8')).toBe('[]');
  });

  it('fails with LOCK_COMPROMISED, not a crash, when the lock is lost mid-write', async () => {
    fs.writeFileSync(file, '[]');
    const uncaught = vi.fn();
    process.on('uncaughtException', uncaught);
    const fsync = fs.fsync;
    let stalled = false;
    vi.spyOn(fs, 'fsync').mockImplementation((fd, done) => {
      if (stalled) return fsync(fd, done);
      stalled = true;
      // A stall mid-write: the lock folder vanishes; its refresh, every second, finds it gone.
      fs.rmSync(lockDir(), { recursive: true });
      setTimeout(() => fsync(fd, done), 3_000);
    });
    const quick = new PersonaPool({ store: fileStore({ path: file, lockStaleMs: 2_000 }) });
    const error = await failure(quick.replace([persona(1)]));
    process.off('uncaughtException', uncaught);
    expect([error.code, error.status]).toEqual(['LOCK_COMPROMISED', 503]);
    expect(uncaught).not.toHaveBeenCalled();
    expect(fs.readFileSync(file, 'utf8')).toBe('[]');
    expect(leftovers()).toEqual([]);
  });
});

describe('replace: write failures', () => {
  it('gives WRITE_FAILED (409) when a folder is in the way, the folder intact, no temp file or lock left', async () => {
    fs.mkdirSync(file);
    const error = await failure(pool.replace([persona(1)]));
    expect([error.code, error.status]).toEqual(['WRITE_FAILED', 409]);
    expect(error.message).toContain(`${file} is a folder, not a regular file`);
    expect(fs.statSync(file).isDirectory()).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['personas.json']);
  });

  it('gives WRITE_FAILED naming the variable to set when a file blocks the folder', async () => {
    fs.writeFileSync(join(dir, 'blocker'), '');
    const env = { POOL_FILE: join(dir, 'blocker', 'personas.json') };
    const error = await failure(new PersonaPool({ store: fileStore({ env, envVar: 'POOL_FILE' }) }).replace([persona(1)]));
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.message).toContain(env.POOL_FILE);
    expect(error.message).toContain('set POOL_FILE to a writable file path');
  });

  it('gives WRITE_FAILED when the pool folder is a dangling symlink, and makes nothing', async () => {
    fs.symlinkSync(join(dir, 'gone'), join(dir, 'link'));
    const error = await failure(new PersonaPool({ path: join(dir, 'link', 'sub', 'personas.json') }).replace([persona(1)]));
    expect([error.code, error.status]).toEqual(['WRITE_FAILED', 500]);
    expect(error.message).toContain('a folder of the path cannot be made');
    expect(fs.readdirSync(dir).sort()).toEqual(['link']);
  });

  it('gives WRITE_FAILED when the folder cannot be listed for leftovers: the old pool intact, no temp file left', async () => {
    fs.writeFileSync(file, '[]');
    const denied = Object.assign(new Error('EACCES: permission denied, scandir'), { code: 'EACCES' });
    // Listed while the temporary file's fsync runs: the failure must wait for that fsync, then clean up.
    vi.spyOn(fs, 'readdirSync').mockImplementationOnce(() => {
      throw denied;
    });
    const error = await failure(pool.replace([persona(1)]));
    expect([error.code, error.status, error.cause]).toEqual(['WRITE_FAILED', 500, denied]);
    expect(error.message).toContain('permission denied');
    expect(fs.readFileSync(file, 'utf8')).toBe('[]');
    expect(leftovers()).toEqual([]);
    expect((await pool.replace([persona(2)])).personas).toHaveLength(1);
  });
});
