import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileStore, PersonaPool, type EmailPersona, type PoolSnapshot } from '../../src/index.js';
import { failure, FIXTURES, freshPool, persona, runNode } from '../helpers/common.js';

let { dir, file, pool } = freshPool();
beforeEach(() => ({ dir, file, pool } = freshPool()));
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});


const names = () => (JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string }[]).map((entry) => entry.name);

describe('update(fn)', () => {
  it('gives fn the frozen personas now in the pool and their snapshot, and writes what it returns as replace() does', async () => {
    const before = await pool.replace([persona(1), persona(2)]);
    let seen: { personas: readonly EmailPersona[]; snapshot: PoolSnapshot } | undefined;
    const result = await pool.update((personas, snapshot) => {
      seen = { personas, snapshot };
      return [...personas.slice(1), persona(3), { name: 'Bad', email: 'bad', role: 'x' }];
    });
    expect(seen?.personas).toBe(before.personas);
    expect(Object.isFrozen(seen?.personas)).toBe(true);
    expect(seen?.snapshot.version).toBe(before.version);
    expect(result).toMatchObject({ path: file, personas: [{ name: 'Persona 2' }, { name: 'Persona 3' }], rejected: [{ index: 2 }] });
    expect(result.version).toBe((await pool.snapshot()).version);
    expect(names()).toEqual(['Persona 2', 'Persona 3']);
    expect((await pool.history()).map((entry) => entry.version)).toEqual([before.version]);
  });

  it('awaits an async fn', async () => {
    await pool.update(async (personas) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return [...personas, persona(9)];
    });
    expect(names()).toEqual(['Persona 9']);
  });

  it('gives [] and the snapshot with its problem for an unusable pool', async () => {
    fs.writeFileSync(file, '{"oops"');
    let problem: unknown;
    await pool.update((personas, snapshot) => {
      problem = snapshot.problem?.code;
      return personas.length === 0 && snapshot.problem ? [persona(1)] : personas;
    });
    expect(problem).toBe('INVALID_JSON');
    expect(names()).toEqual(['Persona 1']);
  });

  it('writes nothing when fn throws, rethrows that very error, and frees the lock', async () => {
    await pool.replace([persona(1)]);
    const thrown = new Error('no');
    await expect(pool.update(() => {
      throw thrown;
    })).rejects.toBe(thrown);
    const rejected = { reason: 'a rejected promise' };
    await expect(pool.update(() => Promise.reject(rejected))).rejects.toBe(rejected);
    expect(names()).toEqual(['Persona 1']);
    expect(fs.readdirSync(dir)).toEqual(['personas.json']);
    await expect(new PersonaPool({ store: fileStore({ path: file, lockWaitMs: 0 }) }).replace([persona(2)])).resolves.toBeTruthy();
  });

  it('validates what fn returns as replace() does', async () => {
    await pool.replace([persona(1)]);
    expect((await failure(pool.update(() => 'nope'))).code).toBe('NOT_A_LIST');
    expect((await failure(pool.update(() => [{ name: 'x' }]))).code).toBe('ALL_INVALID');
    expect((await failure(new PersonaPool({ path: file, maxPersonas: 1 }).update((personas) => [...personas, persona(2)]))).code).toBe('TOO_MANY');
    expect(names()).toEqual(['Persona 1']);
  });

  it('checks ifMatch before fn runs', async () => {
    const { version } = await pool.replace([persona(1)]);
    const fn = vi.fn((personas: readonly EmailPersona[]) => [...personas, persona(2)]);
    expect((await failure(pool.update(fn, { ifMatch: 'stale' }))).code).toBe('VERSION_MISMATCH');
    expect(fn).not.toHaveBeenCalled();
    await pool.update(fn, { ifMatch: version });
    expect(names()).toEqual(['Persona 1', 'Persona 2']);
  });

  it('is queued with replace() on the same pool, in call order', async () => {
    const add = (n: number) => (personas: readonly EmailPersona[]) => [...personas, persona(n)];
    const calls = [pool.replace([persona(0)]), pool.update(add(1)), pool.replace([persona(5)]), pool.update(add(6)), pool.update(add(7))];
    const results = await Promise.all(calls);
    expect(results.map((result) => result.personas.length)).toEqual([1, 2, 1, 2, 3]);
    expect(names()).toEqual(['Persona 5', 'Persona 6', 'Persona 7']);
  });
});

describe('update() across processes', () => {
  it('loses no increment: 4 processes × 50 updates of a counter give 200', async () => {
    await pool.replace([{ ...persona(1), name: 'Counter', signature: '0' }, persona(2)]);
    const runs = await Promise.all([0, 1, 2, 3].map(() => runNode(join(FIXTURES, 'increment.mjs'), [file, '50'])));
    expect(runs.map((run) => [run.code, run.stdout, run.stderr])).toEqual(Array(4).fill([0, 'done\n', '']));
    const personas = await new PersonaPool({ path: file }).load();
    expect(personas.map((entry) => [entry.name, entry.signature])).toEqual([['Counter', '200'], ['Persona 2', null]]);
  });
});
