// Type tests of the pool's signatures, checked by `npm run typecheck`.
import { describe, expectTypeOf, it } from 'vitest';
import { memoryStore, PersonaPool, type EmailPersona, type HistoryEntry, type PoolSnapshot, type ReplaceResult, type StorePool, type UpdateFunction } from '../../src/index.js';

describe('PersonaPool', () => {
  it('is a StorePool; reads give readonly personas and snapshots', () => {
    expectTypeOf<PersonaPool>().toExtend<StorePool>();
    const pool = new PersonaPool({ store: memoryStore() });
    expectTypeOf(pool.load()).toEqualTypeOf<Promise<readonly EmailPersona[]>>();
    expectTypeOf(pool.loadSync()).toEqualTypeOf<readonly EmailPersona[]>();
    expectTypeOf(pool.snapshot()).toEqualTypeOf<Promise<PoolSnapshot>>();
    expectTypeOf(pool.history()).toEqualTypeOf<Promise<readonly HistoryEntry[]>>();
    expectTypeOf(pool.location).toEqualTypeOf<string>();
  });

  it('writes take unknown entries (they are validated) and resolve a ReplaceResult', () => {
    const pool = new PersonaPool();
    expectTypeOf(pool.replace).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(pool.replace([])).toEqualTypeOf<Promise<ReplaceResult>>();
    expectTypeOf(pool.update).parameter(0).toEqualTypeOf<UpdateFunction>();
    expectTypeOf<UpdateFunction>().parameters.toEqualTypeOf<[readonly EmailPersona[], PoolSnapshot]>();
    expectTypeOf(pool.restore).parameter(0).toEqualTypeOf<string>();
  });

  it('subscribe returns its unsubscribe; changes() iterates snapshots', () => {
    const pool = new PersonaPool();
    expectTypeOf(pool.subscribe(() => undefined)).toEqualTypeOf<() => void>();
    expectTypeOf(pool.changes()).toEqualTypeOf<AsyncIterableIterator<PoolSnapshot>>();
  });
});
