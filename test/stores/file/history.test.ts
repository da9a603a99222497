import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { versionOf } from '../../../src/version.js';
import { failure, freshPool, persona } from '../../helpers/common.js';

let { dir, file, pool } = freshPool();
beforeEach(() => ({ dir, file, pool } = freshPool()));
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});


const folder = () => `${file}.history`;
const kept = () => fs.readdirSync(folder()).sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
const list = (n: number, from = 0) => Array.from({ length: n }, (_, k) => persona(from + k));

/** Replaces the pool with each list in turn; returns each write's version and the file's mtime then. */
async function writeAll(lists: readonly unknown[][], into = pool): Promise<{ version: string; savedAt: string; count: number }[]> {
  const written = [];
  for (const entries of lists) {
    const { version, personas } = await into.replace(entries);
    written.push({ version, savedAt: new Date(Math.floor(fs.statSync(file).mtimeMs)).toISOString(), count: personas.length });
  }
  return written;
}

describe('history()', () => {
  it('lists each content replaced, newest first: the version snapshot() gave, its mtime and its count', async () => {
    expect(await pool.history()).toEqual([]);
    const [one, two, three] = await writeAll([list(1), list(2, 10), list(3, 20)]);
    expect(await pool.history()).toEqual([two, one]);
    expect((await pool.snapshot()).version).toBe(three?.version);
    expect(await new PersonaPool({ path: file }).history()).toEqual([two, one]);
  });

  it('keeps the replaced file itself by a hard link: same inode, no copy', async () => {
    await pool.replace(list(2));
    const { ino } = fs.statSync(file);
    await pool.replace(list(1));
    const [name] = kept();
    const stats = fs.statSync(join(folder(), String(name)));
    expect([stats.ino, stats.nlink]).toEqual([ino, 1]);
  });

  it('keeps content another program wrote, even invalid JSON, under the version snapshot() reported', async () => {
    fs.writeFileSync(file, JSON.stringify([persona(1), { name: 'No email', role: 'x' }]));
    const valid = pool.snapshotSync().version;
    await pool.replace(list(1, 5));
    fs.writeFileSync(file, '{"oops"');
    const broken = pool.snapshotSync().version;
    await pool.replace(list(1, 6));
    expect((await pool.history()).map(({ version, count }) => [version, count])).toEqual([[broken, 0], [valid, 1]]);
    expect(versionOf(fs.readFileSync(join(folder(), String(kept()[1]))))).toBe(broken);
  });

  it('keeps nothing for a missing pool, nor for one it cannot read', async () => {
    await pool.replace(list(1));
    expect(fs.existsSync(folder())).toBe(false);
    const small = new PersonaPool({ path: file, maxBytes: 10 });
    await small.replace(list(2));
    expect(fs.existsSync(folder())).toBe(false);
    expect(await small.history()).toEqual([]);
  });

  it('does not keep the same version twice in a row', async () => {
    const [first] = await writeAll([list(2), list(2), list(2), list(1)]);
    expect(await pool.history()).toEqual([first]);
  });

  it('ignores files of the folder that are not versions, and the temporary-file cleanup leaves the folder alone', async () => {
    await writeAll([list(1), list(2)]);
    fs.writeFileSync(join(folder(), 'notes.txt'), 'mine');
    fs.writeFileSync(join(folder(), '9-99999999999999999-1-abc.json'), 'a date out of range');
    fs.writeFileSync(join(folder(), '.3.tmp'), 'a copy a killed writer left');
    await pool.replace(list(3));
    expect(await pool.history()).toHaveLength(2);
    expect(fs.readdirSync(folder())).toContain('notes.txt');
    expect(fs.readdirSync(folder())).not.toContain('.3.tmp');
    expect(fs.readdirSync(dir).sort()).toEqual(['personas.json', 'personas.json.history']);
  });

  it('lists nothing when the folder cannot be listed', async () => {
    fs.writeFileSync(folder(), 'a file in the way');
    expect(await pool.history()).toEqual([]);
  });

  it('keeps the history of a symlinked pool beside its target', async () => {
    const target = join(dir, 'real.json');
    fs.symlinkSync('real.json', file);
    await writeAll([list(1), list(2)]);
    expect(fs.readdirSync(`${target}.history`)).toHaveLength(1);
    expect(await pool.history()).toHaveLength(1);
  });

  it('leaves the pool file as the Python original reads it', async () => {
    await writeAll([list(1), list(2), list(3)]);
    const script = 'import json,sys; print(len(json.load(open(sys.argv[1], encoding="utf-8"))))';
    expect(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })).toBe('3\n');
  });
});

describe('historyLimit', () => {
  it('prunes the oldest versions past the limit', async () => {
    const limited = new PersonaPool({ path: file, historyLimit: 3 });
    const written = await writeAll([1, 2, 3, 4, 5, 6].map((n) => list(n)), limited);
    expect(await limited.history()).toEqual(written.slice(2, 5).reverse());
    expect(kept()).toHaveLength(3);
  });

  it('keeps none with 0, and clears what was kept', async () => {
    await writeAll([list(1), list(2), list(3)]);
    expect(kept()).toHaveLength(2);
    await new PersonaPool({ path: file, historyLimit: 0 }).replace(list(4));
    expect(kept()).toEqual([]);
    expect(await pool.history()).toEqual([]);
  });

  it('defaults to 20, and must be a whole number', async () => {
    await writeAll(Array.from({ length: 23 }, (_, n) => list(1, n)));
    expect(kept()).toHaveLength(20);
    expect(() => new PersonaPool({ historyLimit: -1 })).toThrow(/historyLimit/);
  });

  it('only logs a version it cannot prune, and writes', async () => {
    const limited = new PersonaPool({ path: file, historyLimit: 1 });
    await writeAll([list(1), list(2)], limited);
    // A folder named like a version: rmSync without `recursive` refuses it.
    fs.mkdirSync(join(folder(), '0-0-0-stuck.json'));
    await writeAll([list(3)], limited);
    expect(kept()).toHaveLength(2);
    expect(kept()[0]).toBe('0-0-0-stuck.json');
  });
});

describe('keeping a version', () => {
  it('copies where a hard link cannot be made (EXDEV), with the same bytes and version', async () => {
    const [first] = await writeAll([list(2)]);
    const bytes = fs.readFileSync(file);
    const exdev = Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    vi.spyOn(fs, 'linkSync').mockImplementationOnce(() => {
      throw exdev;
    });
    const { ino } = fs.statSync(file);
    await pool.replace(list(1));
    expect(await pool.history()).toEqual([first]);
    const copy = join(folder(), String(kept()[0]));
    expect(fs.readFileSync(copy).equals(bytes)).toBe(true);
    expect(fs.statSync(copy).ino).not.toBe(ino);
    expect(fs.readdirSync(folder())).toHaveLength(1);
  });

  it('keeps nothing, and still writes, when the file to copy grew past maxBytes meanwhile', async () => {
    const small = new PersonaPool({ path: file, maxBytes: 1_000 });
    await small.replace(list(1));
    vi.spyOn(fs, 'linkSync').mockImplementationOnce((from) => {
      fs.writeFileSync(from, JSON.stringify(list(20)));
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    });
    await small.replace(list(2));
    expect(fs.readdirSync(folder())).toEqual([]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(2);
  });

  it('names a link by what it holds when a writer that takes no lock changed the file meanwhile', async () => {
    await pool.replace(list(1));
    const link = fs.linkSync;
    const changed = JSON.stringify([persona(7), persona(8)]);
    vi.spyOn(fs, 'linkSync').mockImplementationOnce((from, to) => {
      fs.writeFileSync(from, changed);
      link(from, to);
    });
    await pool.replace(list(3));
    expect(await pool.history()).toMatchObject([{ version: versionOf(Buffer.from(changed)), count: 2 }]);
  });

  it('fails with WRITE_FAILED and writes nothing when the version cannot be kept; historyLimit 0 writes', async () => {
    await pool.replace(list(1));
    fs.writeFileSync(folder(), 'a file in the way');
    const error = await failure(pool.replace(list(2)));
    expect([error.code, error.status]).toEqual(['WRITE_FAILED', 500]);
    expect(error.message).toContain(`Cannot keep the version being replaced of the persona pool ${file} in ${folder()} (ENOTDIR)`);
    expect(error.message).toContain('historyLimit to 0');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['personas.json', 'personas.json.history']);
    await new PersonaPool({ path: file, historyLimit: 0 }).replace(list(2));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(2);
  });

  it('forgets the version it kept when the write then fails: the pool still holds it', async () => {
    const [first] = await writeAll([list(1)]);
    const rename = fs.renameSync;
    // Only the rename over the pool file fails (the lock's owner file is renamed into place too).
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (to === file) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      rename(from, to);
    });
    expect((await failure(pool.replace(list(2)))).code).toBe('WRITE_FAILED');
    expect(kept()).toEqual([]);
    vi.mocked(fs.renameSync).mockImplementation(rename);
    await pool.replace(list(2));
    expect(await pool.history()).toEqual([first]);
  });
});

describe('restore()', () => {
  it('writes a version back as replace() would, kept in turn, and returns a ReplaceResult', async () => {
    const [one, two, three] = await writeAll([list(1), list(2, 10), list(3, 20)]);
    const oneBytes = fs.readFileSync(join(folder(), String(kept()[0])));
    const result = await pool.restore(String(one?.version));
    expect(result).toMatchObject({ path: file, version: one?.version, rejected: [], personas: { length: 1 } });
    expect(fs.readFileSync(file).equals(oneBytes)).toBe(true);
    expect(await pool.load()).toBe(result.personas);
    expect((await pool.history()).map((entry) => entry.version)).toEqual([three?.version, two?.version, one?.version]);
  });

  it('restores content another program wrote: its valid entries, in the library form', async () => {
    fs.writeFileSync(file, JSON.stringify([persona(1), { name: 'No email', role: 'x' }, persona(2, { language: null })]));
    const { version } = pool.snapshotSync();
    await pool.replace([]);
    const result = await pool.restore(version);
    expect(result.personas.map((entry) => [entry.name, entry.language])).toEqual([['Persona 1', 'en'], ['Persona 2', 'en']]);
    expect(result.rejected).toEqual([{ index: 1, issues: [{ path: 'email', message: 'email is required' }] }]);
  });

  it('gives UNKNOWN_VERSION (404) for a version not kept, and writes nothing', async () => {
    let error = await failure(pool.restore('nope'));
    expect([error.code, error.status]).toEqual(['UNKNOWN_VERSION', 404]);
    expect(error.message).toContain(`No version nope of the persona pool ${file} can be restored: it is not kept in ${folder()}`);
    expect(error.message).toContain('persona-pool history');
    await writeAll([list(1), list(2)]);
    error = await failure(pool.restore((await pool.snapshot()).version));
    expect(error.code).toBe('UNKNOWN_VERSION');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(2);
  });

  it('gives VERSION_UNREADABLE (500) when the kept file is not a file, UNKNOWN_VERSION when the history folder is not a folder', async () => {
    const [first] = await writeAll([list(1), list(2)]);
    const unreadable = join(folder(), String(kept()[0]));
    fs.rmSync(unreadable);
    fs.mkdirSync(unreadable);
    let error = await failure(pool.restore(String(first?.version)));
    expect([error.code, error.status]).toEqual(['VERSION_UNREADABLE', 500]);
    expect(error.message).toContain(`its file ${unreadable} cannot be read (not-a-file)`);
    fs.rmSync(folder(), { recursive: true });
    fs.writeFileSync(folder(), 'a file in the way');
    error = await failure(pool.restore(String(first?.version)));
    expect(error.code).toBe('UNKNOWN_VERSION');
    expect(error.message).toContain(`its history folder ${folder()} cannot be listed (ENOTDIR)`);
  });

  it('gives NOT_A_LIST for a kept version that is not a JSON list, naming its file; nothing written', async () => {
    fs.writeFileSync(file, '{"oops"');
    const { version } = pool.snapshotSync();
    await pool.replace(list(1));
    const error = await failure(pool.restore(version));
    expect([error.code, error.status]).toEqual(['NOT_A_LIST', 400]);
    expect(error.message).toContain(`Version ${version} of the persona pool ${file}, kept in ${join(folder(), String(kept()[0]))}, is not a JSON list`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(1);
  });

  it('honours ifMatch', async () => {
    const [first, second] = await writeAll([list(1), list(2)]);
    const error = await failure(pool.restore(String(first?.version), { ifMatch: String(first?.version) }));
    expect(error.code).toBe('VERSION_MISMATCH');
    await expect(pool.restore(String(first?.version), { ifMatch: String(second?.version) })).resolves.toMatchObject({ version: first?.version });
  });
});
