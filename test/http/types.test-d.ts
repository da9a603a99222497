// Type tests of the HTTP handlers' request and response types, checked by `npm run typecheck`.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createPersonasFetchHandler,
  createPersonasHandler,
  createPoolsHandler,
  type FetchRequest,
  type PersonaPool,
  type PersonasFetchHandler,
  type PersonasHandler,
  type PersonasRequest,
  type PersonasResponse,
  type PoolAccess,
  type PoolsHandler,
  type PoolsRequest,
} from '../../src/index.js';

describe('the HTTP core’s types', () => {
  it('a PersonasHandler takes a PersonasRequest and resolves a PersonasResponse', () => {
    expectTypeOf(createPersonasHandler).returns.toEqualTypeOf<PersonasHandler>();
    expectTypeOf<PersonasHandler>().parameters.toEqualTypeOf<[PersonasRequest]>();
    expectTypeOf<PersonasHandler>().returns.toEqualTypeOf<Promise<PersonasResponse>>();
  });

  it('a response is a status, lower-case headers as strings, and a Buffer body or null', () => {
    expectTypeOf<PersonasResponse>().toEqualTypeOf<{ readonly status: number; readonly headers: Record<string, string>; readonly body: Buffer | null }>();
  });

  it('a request needs method and user; the rest is optional', () => {
    expectTypeOf({ method: 'GET', user: null }).toExtend<PersonasRequest>();
    expectTypeOf<PersonasRequest['method']>().toEqualTypeOf<string>();
    expectTypeOf<{ user: null }>().not.toExtend<PersonasRequest>();
  });

  it('a PersonaPool is a PoolAccess; a PoolsRequest is a PersonasRequest with an id', () => {
    expectTypeOf<PersonaPool>().toExtend<PoolAccess>();
    expectTypeOf<PoolsRequest>().toExtend<PersonasRequest>();
    expectTypeOf<PoolsRequest['id']>().toEqualTypeOf<string>();
    expectTypeOf(createPoolsHandler).returns.toEqualTypeOf<PoolsHandler>();
  });

  it('the fetch handler takes a standard Request and resolves a Response', () => {
    expectTypeOf(createPersonasFetchHandler).returns.toEqualTypeOf<PersonasFetchHandler>();
    expectTypeOf<Request>().toExtend<FetchRequest>();
    expectTypeOf<PersonasFetchHandler>().returns.toEqualTypeOf<Promise<Response>>();
  });
});
