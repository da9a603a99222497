// Type tests of PersonaPoolError's code union, checked by `npm run typecheck`.
import { describe, expectTypeOf, it } from 'vitest';
import { isPersonaPoolError, PersonaPoolError, type ERROR_STATUS, type PersonaPoolErrorCode } from '../src/index.js';

describe('PersonaPoolErrorCode', () => {
  it('is the union of ERROR_STATUS’s keys, not any string', () => {
    expectTypeOf<PersonaPoolErrorCode>().toEqualTypeOf<keyof typeof ERROR_STATUS>();
    expectTypeOf<'NOT_A_LIST' | 'INVALID_BODY' | 'STORE_CONTRACT'>().toExtend<PersonaPoolErrorCode>();
    expectTypeOf<string>().not.toExtend<PersonaPoolErrorCode>();
  });

  it('types the error’s code and status, and the constructor refuses a code not in the union', () => {
    expectTypeOf<PersonaPoolError['code']>().toEqualTypeOf<PersonaPoolErrorCode>();
    expectTypeOf<PersonaPoolError['status']>().toEqualTypeOf<number>();
    expectTypeOf<typeof ERROR_STATUS>().toExtend<Record<PersonaPoolErrorCode, number>>();
    // @ts-expect-error a code outside the union
    new PersonaPoolError('NO_SUCH_CODE', 'message');
  });

  it('isPersonaPoolError narrows unknown to PersonaPoolError, and takes only known codes', () => {
    const error: unknown = undefined;
    if (isPersonaPoolError(error, 'NOT_A_LIST')) expectTypeOf(error).toEqualTypeOf<PersonaPoolError>();
    // @ts-expect-error a code outside the union
    isPersonaPoolError(error, 'NO_SUCH_CODE');
  });
});
