// The OpenAPI document's schemas: requests as lax as the server (what the handler accepts validates),
// responses exact (what the handler serves validates, and nothing looser); the paths, servers,
// license and 405 it documents; its options. Real answers of the single-pool handler are checked
// against it in fetch.test.ts, generated clients in openapi-client.test.ts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { handlePersonasRequest, openApiDocument, parsePersonas, type PersonaPoolError } from '../../src/index.js';
import { OPENAPI_PATH, OPENAPI_POOLS_PATH } from '../../src/http/openapi.js';
import { PERSONA_FIELDS } from '../../src/persona/schema.js';
import { ADMIN, ANN, poolAt, poolFile, removeTempFolders } from '../helpers/http.js';

type Doc = { paths: Record<string, Record<string, unknown>>; servers: unknown; info: Record<string, unknown>; components: Record<string, Record<string, unknown>> };
const DOC_FILE = new URL('../../dist/openapi.json', import.meta.url);
const SCHEMA_FILE = new URL('../../dist/schema.json', import.meta.url);
let doc: Doc;
let schema: { items: unknown };
const ajv = new Ajv2020({ strict: false, allErrors: true, formats: { 'date-time': true, binary: true } });

beforeAll(() => {
  if (!fs.existsSync(DOC_FILE)) execFileSync(process.execPath, [new URL('../../.config/build.mjs', import.meta.url).pathname], { stdio: 'inherit' });
  doc = JSON.parse(fs.readFileSync(DOC_FILE, 'utf8')) as Doc;
  schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as typeof schema;
  ajv.addSchema({ ...doc, $id: 'doc' });
});

/** Whether `value` validates against the component schema `name`. */
function valid(name: string, value: unknown): boolean {
  const validate = ajv.getSchema(`doc#/components/schemas/${name}`);
  if (validate === undefined) throw new Error(`no schema ${name}`);
  return validate(value) === true;
}

const served = (text: string) => parsePersonas(text, { languageDefault: 'en' })[0];

describe('request schemas accept what the server accepts', () => {
  it.each([
    ['the docs\' minimal PUT body', { personas: [ANN] }],
    ['lax booleans and a null language', { personas: [{ ...ANN, uses_llms_heavily: 'yes', language: null }, { ...ANN, uses_llms_heavily: 1 }] }],
    ['unknown fields', { personas: [{ ...ANN, department: 'finance' }], other: true }],
  ])('%s', (_, body) => {
    expect(valid('PersonaPoolReplace', body)).toBe(true);
  });

  it('gives no field a default, so generators keep them optional, and states the defaults in words', () => {
    expect(JSON.stringify(doc.components['schemas']?.['PersonaPoolPersonaInput'])).not.toContain('"default"');
    expect(doc.components['schemas']?.['PersonaPoolPersonaInput']).toMatchObject({ required: ['name', 'email', 'role'], properties: { tone: { description: 'Default: `"formal"`.' } } });
  });

  it('refuses a persona without its role, and a restore without a version', () => {
    expect(valid('PersonaPoolReplace', { personas: [{ name: 'Ann Lee', email: 'ann@corp.example' }] })).toBe(false);
    expect(valid('PersonaPoolRestore', {})).toBe(false);
    expect(valid('PersonaPoolRestore', { version: 'abc' })).toBe(true);
  });
});

describe('response schemas state exactly what is served', () => {
  it('accepts a persona as the server serves it, every field present', () => {
    const persona = served(JSON.stringify([{ ...ANN, uses_llms_heavily: 'yes' }]));
    expect(Object.keys(persona ?? {})).toEqual(PERSONA_FIELDS);
    expect(valid('PersonaPoolPersona', persona)).toBe(true);
    expect(doc.components['schemas']?.['PersonaPoolPersona']).toMatchObject({ required: PERSONA_FIELDS, additionalProperties: false });
  });

  it.each([
    ['a null language', { language: null }],
    ['a lax boolean', { uses_llms_heavily: 'yes' }],
    ['a number for a boolean', { uses_llms_heavily: 1 }],
    ['an unknown field', { department: 'finance' }],
  ])('refuses %s', (_, patch) => {
    expect(valid('PersonaPoolPersona', { ...served(JSON.stringify([ANN])), ...patch })).toBe(false);
  });

  it('refuses a persona with a field missing', () => {
    const persona: Record<string, unknown> = { ...served(JSON.stringify([ANN])) };
    delete persona['tone'];
    expect(valid('PersonaPoolPersona', persona)).toBe(false);
  });

  it('describes history, with `by` optional, and a named pool with the host\'s extra fields', () => {
    const entry = { version: 'v1', savedAt: '2026-12-06T03:00:00.000Z', count: 2 };
    expect(valid('PersonaPoolHistory', { history: [entry, { ...entry, by: 'cli:ann' }] })).toBe(true);
    expect(valid('PersonaPoolHistory', { history: [{ ...entry, count: '2' }] })).toBe(false);
    const persona = served(JSON.stringify([ANN]));
    expect(valid('PersonaPoolNamedSnapshot', { topology_id: 7, topology_name: 'lab', language_default: 'en', personas: [persona] })).toBe(true);
    expect(valid('PersonaPoolNamedSnapshot', { topology_id: 7, personas: [persona] })).toBe(false);
  });

  it('documents the handler\'s real 405, with its Allow header', async () => {
    const answer = await handlePersonasRequest({ pool: poolAt(poolFile([ANN])), method: 'DELETE', user: ADMIN });
    removeTempFolders();
    const response = doc.components['responses']?.['PersonaPoolMethodNotAllowed'] as { headers: object };
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD, PUT');
    expect(Object.keys(response.headers)).toEqual(['Allow']);
    expect(valid('PersonaPoolError', JSON.parse(String(answer.body)))).toBe(true);
    for (const item of Object.values(doc.paths)) {
      for (const operation of Object.values(item).filter((value) => typeof value === 'object' && value !== null && 'responses' in value)) {
        expect((operation as { responses: Record<string, unknown> }).responses['405']).toEqual({ $ref: '#/components/responses/PersonaPoolMethodNotAllowed' });
      }
    }
  });
});

describe('the paths, servers and license', () => {
  it('serves a pool, its history and restore, and the same for named pools', () => {
    const methods = Object.fromEntries(Object.entries(doc.paths).map(([path, item]) => [path, Object.keys(item).filter((key) => key !== 'parameters')]));
    expect(methods).toEqual({
      [OPENAPI_PATH]: ['get', 'head', 'put'],
      [`${OPENAPI_PATH}/history`]: ['get'],
      [`${OPENAPI_PATH}/restore`]: ['post'],
      [OPENAPI_POOLS_PATH]: ['get', 'head', 'put'],
      [`${OPENAPI_POOLS_PATH}/history`]: ['get'],
      [`${OPENAPI_POOLS_PATH}/restore`]: ['post'],
    });
    expect(doc.paths[OPENAPI_POOLS_PATH]?.['parameters']).toEqual([{ $ref: '#/components/parameters/PersonaPoolId' }]);
    expect(Object.keys((doc.paths[`${OPENAPI_POOLS_PATH}/restore`]?.['post'] as { responses: object }).responses)).toEqual(expect.arrayContaining(['200', '400', '404', '412']));
  });

  it('serves the stored bytes on GET with Accept: application/octet-stream', () => {
    const content = (doc.paths[OPENAPI_PATH]?.['get'] as { responses: Record<string, { content: object }> }).responses['200']?.content;
    expect(Object.keys(content ?? {})).toEqual(['application/json', 'application/octet-stream']);
  });

  it('has a relative server by default, the host\'s when given, and a license', () => {
    expect(doc.servers).toEqual([{ url: '/', description: 'The host serving this document.' }]);
    expect(doc.info['license']).toEqual({ name: 'MIT', url: 'https://opensource.org/license/mit' });
    const servers = [{ url: 'https://dashboard.example/api' }];
    expect(openApiDocument({ schema, servers })['servers']).toEqual(servers);
  });

  it('takes another pools path, or none', () => {
    expect(Object.keys((openApiDocument({ schema, poolsPath: '/t/{id}/p' }) as Doc).paths)).toContain('/t/{id}/p/restore');
    expect(Object.keys((openApiDocument({ schema, poolsPath: null }) as Doc).paths)).toEqual([OPENAPI_PATH, `${OPENAPI_PATH}/history`, `${OPENAPI_PATH}/restore`]);
  });

  it.each([
    [{ poolsPath: '/t/personas' }, /poolsPath must begin with \/ and hold \{id\} once/],
    [{ poolsPath: 't/{id}' }, /poolsPath must begin with \//],
    [{ servers: [{ href: '/' }] }, /servers must be a list of \{ url \}/],
    [{ servers: '/' }, /servers must be a list of \{ url \}/],
  ])('refuses %j', (options, message) => {
    expect(() => openApiDocument({ schema, ...options } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) as unknown }) as PersonaPoolError);
  });
});
