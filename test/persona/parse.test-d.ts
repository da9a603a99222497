// Type tests of parsing's signatures, checked by `npm run typecheck`.
import { describe, expectTypeOf, it } from 'vitest';
import { inspectPersonas, parsePersonas, type EmailPersona, type Inspection, type PersonaSource } from '../../src/index.js';

describe('parsePersonas and inspectPersonas', () => {
  it('parsePersonas returns EmailPersona[] from text, a list, null or undefined', () => {
    expectTypeOf(parsePersonas('[]')).toEqualTypeOf<EmailPersona[]>();
    expectTypeOf<typeof parsePersonas>().parameter(0).toEqualTypeOf<PersonaSource>();
    expectTypeOf<PersonaSource>().toEqualTypeOf<string | readonly unknown[] | null | undefined>();
    // @ts-expect-error a number is no source
    parsePersonas(42);
  });

  it('inspectPersonas returns an Inspection of EmailPersona', () => {
    expectTypeOf(inspectPersonas([])).toEqualTypeOf<Inspection>();
    expectTypeOf<Inspection['personas']>().toEqualTypeOf<EmailPersona[]>();
  });

  it('EmailPersona has the required fields as strings, language resolved', () => {
    expectTypeOf<EmailPersona>().toHaveProperty('name').toEqualTypeOf<string>();
    expectTypeOf<EmailPersona>().toHaveProperty('email').toEqualTypeOf<string>();
    expectTypeOf<EmailPersona>().toHaveProperty('role').toEqualTypeOf<string>();
    expectTypeOf<EmailPersona>().toHaveProperty('language').toEqualTypeOf<string>();
  });
});
