// A write asks the file system only what it does not know yet (issue 23): counted per call, never timed.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { persona, tempDir } from '../../helpers/common.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The paths that `fs[name]` is called with while `work` runs. */
async function pathsOf(names: readonly ('statSync' | 'lstatSync' | 'mkdirSync')[], work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  for (const name of names) {
    const real = fs[name].bind(fs) as (...args: unknown[]) => unknown;
    vi.spyOn(fs, name).mockImplementation(((...args: unknown[]) => {
      seen.push(String(args[0]));
      return real(...args);
    }) as never);
  }
  await work();
  vi.restoreAllMocks();
  return seen;
}

describe('one replace() of a pool held by no one', () => {
  it('stats the pool file 3 times (before the lock, under it, before the rename) and the free lock only as it makes it', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const pool = new PersonaPool({ path: file });
    await pool.replace([persona(1)]);
    const paths = await pathsOf(['statSync', 'lstatSync'], () => pool.replace([persona(2)]));
    expect(paths.filter((path) => path === file)).toHaveLength(3);
    // makeOwned's check that no folder is there, and proper-lockfile's reading of the lock's mtime.
    expect(paths.filter((path) => path === `${file}.lock`)).toHaveLength(2);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([expect.objectContaining({ email: persona(2).email })]);
  });

  it('makes the staging folder once: the release renames the lock into it before any mkdir', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const pool = new PersonaPool({ path: file });
    await pool.replace([persona(1)]);
    const made = await pathsOf(['mkdirSync'], () => pool.replace([persona(2)]));
    expect(made.filter((path) => path === `${file}.lock.new`)).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['personas.json', 'personas.json.history']);
  });

  it('keeps the mode of the file it replaces, read from the stat under the lock', async () => {
    const dir = tempDir();
    const file = join(dir, 'personas.json');
    const pool = new PersonaPool({ path: file });
    await pool.replace([persona(1)]);
    fs.chmodSync(file, 0o640);
    const result = await pool.replace([persona(2)]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(result.version).toBe((await new PersonaPool({ path: file }).snapshot()).version); // hashed while the fsync ran, as a fresh read hashes it
  });
});
