// Type tests of OptionsInput<T> (every options-taking export's input), checked by `npm run typecheck`.
import { describe, expectTypeOf, it } from 'vitest';
import type { FileStoreOptions, fileStore, OptionsInput, PersonaPool, PersonaPoolOptions } from '../src/index.js';

interface Example {
  readonly size: number;
  readonly name: string;
}

describe('OptionsInput<T>', () => {
  it('makes every option optional, readonly, and settable to undefined (its default)', () => {
    expectTypeOf<OptionsInput<Example>>().toEqualTypeOf<{ readonly size?: number | undefined; readonly name?: string | undefined }>();
    expectTypeOf<Record<never, never>>().toExtend<OptionsInput<Example>>();
    expectTypeOf<{ size: undefined }>().toExtend<OptionsInput<Example>>();
  });

  it('keeps each option’s type and knows no other key', () => {
    expectTypeOf<{ size: string }>().not.toExtend<OptionsInput<Example>>();
    expectTypeOf<OptionsInput<Example>>().not.toHaveProperty('other');
  });

  it('is what PersonaPool and fileStore take', () => {
    expectTypeOf<typeof fileStore>().parameter(0).toEqualTypeOf<OptionsInput<FileStoreOptions> | undefined>();
    expectTypeOf<ConstructorParameters<typeof PersonaPool>[0]>().toExtend<OptionsInput<PersonaPoolOptions> | undefined>();
  });
});
