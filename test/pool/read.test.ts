import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileStore, PersonaPool, PersonaPoolError } from '../../src/index.js';
import { freshPool, persona } from '../helpers/common.js';

let { dir, file, pool } = freshPool();
beforeEach(() => ({ dir, file, pool } = freshPool()));
afterEach(() => vi.restoreAllMocks());

function write(entries: unknown, path = file): void {
  fs.writeFileSync(path, typeof entries === 'string' ? entries : JSON.stringify(entries));
}

describe('load on a missing or unusable file', () => {
  it('gives [] for a missing file, with its own version and no problem', async () => {
    expect(await pool.load()).toEqual([]);
    expect(pool.snapshotSync()).toMatchObject({ path: file, personas: [], version: 'absent', problem: null });
    expect(fs.existsSync(file)).toBe(false);
  });

  it.each([
    ['an empty file', '', 'INVALID_JSON'],
    ['a BOM alone', '\ufeff', 'INVALID_JSON'],
    ['whitespace', '  \n', 'INVALID_JSON'],
    ['a truncated file', '[{"name": "Ann", "email": "ann@corp.example", "ro', 'INVALID_JSON'],
    ['an object', '{"personas": []}', 'NOT_A_LIST'],
    ['a string', '"hello"', 'NOT_A_LIST'],
    ['null', 'null', 'NOT_A_LIST'],
  ])('gives [] for %s, reports %s, and never rewrites it', async (_what, content, code) => {
    write(content);
    const before = fs.statSync(file, { bigint: true });
    expect(await pool.load()).toEqual([]);
    expect(pool.loadSync()).toEqual([]);
    const { problem } = await pool.snapshot();
    expect(problem?.code).toBe(code);
    expect(problem?.message).toContain(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
    expect(fs.statSync(file, { bigint: true }).mtimeNs).toBe(before.mtimeNs);
  });

  it('names the line and column of invalid JSON', () => {
    write('[\n  {"name": "Ann",}\n]');
    expect(pool.snapshotSync().problem?.message).toMatch(/line 2, column 18/);
  });

  it('gives [] for a folder, reported UNREADABLE, sync and async', async () => {
    fs.mkdirSync(file);
    expect(pool.loadSync()).toEqual([]);
    expect((await pool.snapshot()).problem).toMatchObject({ code: 'UNREADABLE' });
    expect(pool.snapshotSync().problem?.message).toContain('is a folder');
  });

  it('gives [] for a path through a file, reported UNREADABLE', async () => {
    write('[]');
    const through = new PersonaPool({ path: join(file, 'personas.json') });
    expect(await through.load()).toEqual([]);
    expect(through.snapshotSync().problem).toMatchObject({ code: 'UNREADABLE' });
  });

  it('gives [] for a file over maxBytes without reading it, reported TOO_LARGE', async () => {
    write([persona(1), persona(2)]);
    const small = new PersonaPool({ path: file, maxBytes: 64 });
    const read = vi.spyOn(fs, 'readSync');
    expect(small.loadSync()).toEqual([]);
    expect(read).not.toHaveBeenCalled();
    expect((await small.snapshot()).problem).toMatchObject({ code: 'TOO_LARGE' });
    expect(small.snapshotSync().problem?.message).toMatch(/over the limit of 64/);
  });

  it('sees the file once it appears, and once it is fixed', async () => {
    expect(await pool.load()).toEqual([]);
    write('[{"name": "Ann"');
    expect(await pool.load()).toEqual([]);
    write([persona(1)]);
    expect((await pool.load()).map((p) => p.name)).toEqual(['Persona 1']);
    fs.rmSync(file);
    expect(pool.loadSync()).toEqual([]);
  });
});

describe('load on a valid file', () => {
  it('returns valid personas with defaults, frozen, dropping invalid entries', async () => {
    write([persona(1), { name: 'No email', role: 'x' }, persona(2, { language: 'fr' })]);
    const personas = await pool.load();
    expect(personas.map((p) => [p.name, p.language, p.tone])).toEqual([
      ['Persona 1', 'en', 'formal'],
      ['Persona 2', 'fr', 'formal'],
    ]);
    expect(Object.isFrozen(personas)).toBe(true);
    expect(Object.isFrozen(personas[0])).toBe(true);
    expect(Object.isFrozen(personas[0]?.mannerisms)).toBe(true);
  });

  it('tolerates a UTF-8 BOM', () => {
    write(`\ufeff${JSON.stringify([persona(1)])}`);
    expect(pool.loadSync()).toHaveLength(1);
  });

  it('keeps __proto__ payloads away from every prototype', async () => {
    write('[{"name":"A","email":"a@corp.example","role":"r","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}]');
    const [first] = await pool.load();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.keys(first ?? {})).not.toContain('__proto__');
  });

  it('resolves languages per call: the cache is kept per language default', async () => {
    write([persona(1)]);
    const english = await pool.load();
    const spanish = await pool.load({ languageDefault: 'es' });
    expect(english[0]?.language).toBe('en');
    expect(spanish[0]?.language).toBe('es');
    expect(await pool.load()).toBe(english);
    expect(pool.loadSync({ languageDefault: 'es' })).toBe(spanish);
    expect(new PersonaPool({ path: file, languageDefault: 'de' }).loadSync()[0]?.language).toBe('de');
  });
});

describe('the cache', () => {
  it('returns the same array and snapshot while the file is unchanged', async () => {
    write([persona(1)]);
    const first = await pool.load();
    expect(await pool.load()).toBe(first);
    expect(pool.loadSync()).toBe(first);
    expect(pool.snapshotSync()).toBe(await pool.snapshot());
  });

  it('costs one stat on a sync hit: no open, no read', () => {
    write([persona(1)]);
    pool.loadSync();
    const stat = vi.spyOn(fs, 'statSync');
    const open = vi.spyOn(fs, 'openSync');
    const read = vi.spyOn(fs, 'readSync');
    pool.loadSync();
    expect(stat).toHaveBeenCalledTimes(1);
    // The plain stat, not the bigint one: Node builds no bigints for a hit.
    expect(stat.mock.calls[0]?.[1]).toEqual({ throwIfNoEntry: false });
    expect(open).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
  });

  it('re-reads a same-size, same-inode rewrite whose mtime moved by one microsecond', () => {
    const seconds = 1_764_460_800.000_001;
    write([persona(1)]);
    fs.utimesSync(file, seconds, seconds);
    pool.loadSync();
    const { ino } = fs.statSync(file);
    write([persona(2)]);
    fs.utimesSync(file, seconds, seconds + 0.000_001);
    expect(fs.statSync(file).ino).toBe(ino);
    expect(pool.loadSync()[0]?.name).toBe('Persona 2');
  });

  it('checks with the bigint stat once a file has an inode a number cannot hold', () => {
    write([persona(1)]);
    const fstat = fs.fstatSync.bind(fs);
    vi.spyOn(fs, 'fstatSync').mockImplementationOnce((fd, options) => Object.create(fstat(fd, options), { ino: { value: 2n ** 60n } }) as fs.BigIntStats);
    pool.loadSync();
    const stat = vi.spyOn(fs, 'statSync');
    pool.loadSync();
    expect(stat.mock.calls[0]?.[1]).toEqual({ bigint: true, throwIfNoEntry: false });
  });

  it('costs one synchronous stat on an async hit: no thread-pool call', async () => {
    write([persona(1)]);
    await pool.load();
    const stat = vi.spyOn(fs, 'statSync');
    const calls = ['open', 'stat', 'readFile', 'lstat'].map((name) => vi.spyOn(fs.promises, name as 'open'));
    await pool.load();
    await pool.snapshot();
    expect(stat).toHaveBeenCalledTimes(2);
    for (const call of calls) expect(call).not.toHaveBeenCalled();
  });

  it('re-reads a rewrite of another size within the same mtime', () => {
    write([persona(1)]);
    const { atime, mtime } = fs.statSync(file);
    pool.loadSync();
    write([persona(1), persona(2)]);
    fs.utimesSync(file, atime, mtime);
    expect(pool.loadSync()).toHaveLength(2);
  });

  it('re-reads a same-size rewrite restored to an older mtime', () => {
    write([persona(1)]);
    pool.loadSync();
    write([persona(2)]);
    const past = new Date(Date.now() - 86_400_000);
    fs.utimesSync(file, past, past);
    expect(pool.loadSync()[0]?.name).toBe('Persona 2');
  });

  it('re-reads a file replaced by rename with the same size and mtime', () => {
    write([persona(1)]);
    const { atime, mtime } = fs.statSync(file);
    pool.loadSync();
    const other = join(dir, 'other.json');
    write([persona(2)], other);
    fs.utimesSync(other, atime, mtime);
    fs.renameSync(other, file);
    expect(pool.loadSync()[0]?.name).toBe('Persona 2');
  });

  it('stamps the content with fstat of the handle it was read from', () => {
    write([persona(1)]);
    const fstat = vi.spyOn(fs, 'fstatSync');
    pool.loadSync();
    expect(fstat).toHaveBeenCalledTimes(1);
    expect(fstat.mock.calls[0]?.[1]).toEqual({ bigint: true });
  });

  it('re-reads after resetCache()', () => {
    write([persona(1)]);
    const first = pool.loadSync();
    pool.resetCache();
    const second = pool.loadSync();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it('keeps pools apart: no shared state', () => {
    const otherFile = join(dir, 'other.json');
    write([persona(1)]);
    write([persona(2), persona(3)], otherFile);
    const other = new PersonaPool({ path: otherFile });
    expect(pool.loadSync()).toHaveLength(1);
    expect(other.loadSync()).toHaveLength(2);
    other.resetCache();
    const read = vi.spyOn(fs, 'readSync');
    pool.loadSync();
    expect(read).not.toHaveBeenCalled();
  });
});

describe('versions', () => {
  it('are equal for equal content and differ when content changes', async () => {
    write([persona(1)]);
    const first = pool.snapshotSync().version;
    write([persona(2)]);
    const second = pool.snapshotSync().version;
    write([persona(1)]);
    expect(second).not.toBe(first);
    expect((await pool.snapshot()).version).toBe(first);
    expect(new PersonaPool({ path: file }).snapshotSync().version).toBe(first);
  });
});

describe('resolvePath', () => {
  function setup(env: Record<string, string | undefined>, options: { systemExists?: boolean; systemFolder?: boolean } = {}) {
    const systemFolder = join(dir, 'etc', 'decnet');
    if (options.systemFolder || options.systemExists) fs.mkdirSync(systemFolder, { recursive: true });
    const systemPath = join(systemFolder, 'email_personas.json');
    if (options.systemExists) write('[]', systemPath);
    const userPath = join(dir, 'home', '.decnet', 'email_personas.json');
    return { pool: new PersonaPool({ store: fileStore({ env, systemPath, userPath }) }), systemPath, userPath };
  }

  it('takes the variable when set and not blank', () => {
    const { pool } = setup({ DECNET_REALISM_PERSONAS: '/srv/personas.json' }, { systemExists: true });
    expect(pool.resolvePath()).toBe('/srv/personas.json');
  });

  it('reads the variable at each call, and honours envVar', () => {
    const env: Record<string, string | undefined> = {};
    const { systemPath } = setup(env, { systemExists: true });
    const custom = new PersonaPool({ store: fileStore({ env, envVar: 'MY_POOL', systemPath }) });
    expect(custom.resolvePath()).toBe(systemPath);
    env.MY_POOL = '/srv/mine.json';
    expect(custom.resolvePath()).toBe('/srv/mine.json');
  });

  it('ignores a blank variable and takes an existing system file', () => {
    const { pool, systemPath } = setup({ DECNET_REALISM_PERSONAS: '  ' }, { systemExists: true });
    expect(pool.resolvePath()).toBe(systemPath);
  });

  it('takes the system path when only its folder exists and is writable', () => {
    const { pool, systemPath } = setup({}, { systemFolder: true });
    expect(pool.resolvePath()).toBe(systemPath);
    expect(fs.existsSync(systemPath)).toBe(false);
  });

  it('falls back to the user path, writing nothing', () => {
    const { pool, userPath } = setup({});
    expect(pool.resolvePath()).toBe(userPath);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('expands ~ in the variable', () => {
    const { pool } = setup({ DECNET_REALISM_PERSONAS: '~/pool.json' });
    expect(pool.resolvePath()).toMatch(/\/pool\.json$/);
    expect(pool.resolvePath()).not.toContain('~');
  });

  it('defaults to the original paths', () => {
    const resolved = new PersonaPool({ store: fileStore({ env: {} }) }).resolvePath();
    expect(['/etc/decnet/email_personas.json', join(os.homedir(), '.decnet', 'email_personas.json')]).toContain(resolved);
  });
});

describe('options', () => {
  it.each([
    [{ maxPersonas: -1 }, /maxPersonas/],
    [{ maxBytes: 1.5 }, /maxBytes/],
    [{ languageDefault: 3 as unknown as string }, /languageDefault/],
    [{ path: '' }, /path/],
    [{ path: '/srv/pool.json', store: fileStore() }, /path is a shorthand/],
    [{ lockWaitMs: 1 } as object, /lockWaitMs is unknown: file options .* belong to fileStore\(\)/],
  ])('rejects %o at construction with INVALID_OPTION', (options, message) => {
    const attempt = () => new PersonaPool(options);
    expect(attempt).toThrow(PersonaPoolError);
    expect(attempt).toThrow(message);
  });

  it.each([
    [{ lockWaitMs: Number.NaN }, /lockWaitMs/],
    [{ envVar: '' }, /envVar/],
  ])('fileStore rejects %o with INVALID_OPTION', (options, message) => {
    const attempt = () => fileStore(options);
    expect(attempt).toThrow(PersonaPoolError);
    expect(attempt).toThrow(message);
  });
});
