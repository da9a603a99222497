// Type tests of the store contract's generics, checked by `npm run typecheck` (tsc over test/):
// a change that breaks them fails `npm test` before any test runs.
import pg from 'pg';
import { describe, expectTypeOf, it } from 'vitest';
import { fileStore, memoryStore, type PersonaStore, type StoreChange, type StoreRead, type StoreWritten } from '../../src/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { remoteStore } from '../../src/stores/remote/index.js';

describe('StoreRead<Tag>', () => {
  it('is a union told apart by kind; the tag has the store’s type where there is one', () => {
    expectTypeOf<StoreRead<number>['kind']>().toEqualTypeOf<'unchanged' | 'missing' | 'content' | 'problem'>();
    expectTypeOf<Extract<StoreRead<number>, { kind: 'missing' }>['tag']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<StoreRead<number>, { kind: 'content' }>['tag']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<StoreRead<number>, { kind: 'content' }>['bytes']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<Extract<StoreRead<number>, { kind: 'problem' }>['tag']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Extract<StoreRead<number>, { kind: 'unchanged' }>>().not.toHaveProperty('tag');
  });

  it('narrows on kind', () => {
    const read = {} as StoreRead<string>;
    if (read.kind === 'content') expectTypeOf(read.tag).toEqualTypeOf<string>();
    else if (read.kind === 'problem') expectTypeOf(read.version).toEqualTypeOf<string>();
  });
});

describe('PersonaStore<Tag>', () => {
  it('passes its Tag to read, replace and what they answer', () => {
    expectTypeOf<PersonaStore<bigint>['read']>().parameter(0).toEqualTypeOf<bigint | undefined>();
    expectTypeOf<PersonaStore<bigint>['read']>().returns.toEqualTypeOf<StoreRead<bigint> | Promise<StoreRead<bigint>>>();
    expectTypeOf<PersonaStore<bigint>['replace']>().parameter(1).toEqualTypeOf<StoreChange<bigint>>();
    expectTypeOf<PersonaStore<bigint>['replace']>().returns.toEqualTypeOf<Promise<StoreWritten<bigint>>>();
    expectTypeOf<StoreChange<bigint>>().parameter(0).toEqualTypeOf<StoreRead<bigint>>();
  });

  it('makes readSync, watch and close optional; read, replace, history and readVersion required', () => {
    expectTypeOf<undefined>().toExtend<PersonaStore['readSync']>();
    expectTypeOf<undefined>().toExtend<PersonaStore['watch']>();
    expectTypeOf<undefined>().toExtend<PersonaStore['close']>();
    expectTypeOf<undefined>().not.toExtend<PersonaStore['read']>();
    expectTypeOf<undefined>().not.toExtend<PersonaStore['replace']>();
    expectTypeOf<undefined>().not.toExtend<PersonaStore['history']>();
    expectTypeOf<undefined>().not.toExtend<PersonaStore['readVersion']>();
    expectTypeOf<{ location: string }>().not.toExtend<PersonaStore>();
  });

  it('is what every store factory makes', () => {
    expectTypeOf(fileStore()).toExtend<PersonaStore>();
    expectTypeOf(memoryStore()).toExtend<PersonaStore<number>>();
    expectTypeOf(postgresStore({ client: new pg.Pool(), name: 'x' })).toExtend<PersonaStore>();
    expectTypeOf(remoteStore({ url: 'http://127.0.0.1:1/' })).toExtend<PersonaStore>();
  });
});
