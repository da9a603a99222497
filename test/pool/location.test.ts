// Where a pool lives: `location` for any store; `resolvePath()` only for a pool in a file (issue 22).
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore, memoryStore, PersonaPool, PersonaPoolError } from '../../src/index.js';
import { tempDir } from '../helpers/common.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('location and resolvePath()', () => {
  it('new PersonaPool() resolves DECNET_REALISM_PERSONAS at each call; in watch mode once, at construction', async () => {
    const [first, second] = [join(tempDir(), 'a.json'), join(tempDir(), 'b.json')];
    vi.stubEnv('DECNET_REALISM_PERSONAS', first);
    const pool = new PersonaPool();
    const watching = new PersonaPool({ watch: true });
    vi.stubEnv('DECNET_REALISM_PERSONAS', second);
    expect(pool.resolvePath()).toBe(second);
    expect(watching.resolvePath()).toBe(first);
    expect(watching.location).toBe(first);
    await watching.close();
  });


  it('a file pool: both name the file, from path, from fileStore() or from the variable', () => {
    const file = join(tempDir(), 'personas.json');
    expect(new PersonaPool({ path: file }).location).toBe(file);
    expect(new PersonaPool({ path: file }).resolvePath()).toBe(file);
    expect(new PersonaPool({ store: fileStore({ path: file }) }).resolvePath()).toBe(file);
    expect(new PersonaPool({ store: fileStore({ env: { DECNET_REALISM_PERSONAS: file } }) }).resolvePath()).toBe(file);
  });

  it('another store: location is the store’s, resolvePath() a NOT_A_FILE_POOL error that says to use location', () => {
    const pool = new PersonaPool({ store: memoryStore() });
    expect(pool.location).toMatch(/^memory:/);
    let error: unknown;
    try {
      pool.resolvePath();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PersonaPoolError);
    expect(error).toMatchObject({ code: 'NOT_A_FILE_POOL', status: 500 });
    expect((error as Error).message).toContain('pool.location');
  });
});
