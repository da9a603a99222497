// The root entry's public surface, reviewed: what users call, and the types of its signatures (issue
// 22). A name added to or dropped from src/index.ts fails here until this list is updated with it.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';

/** Every value the root entry exports. */
const VALUES = [
  'ERROR_STATUS',
  'EmailPersonaSchema',
  'PersonaPool',
  'PersonaPoolError',
  'REPLY_LATENCIES',
  'TONES',
  'createPersonasFetchHandler',
  'createPersonasHandler',
  'createPoolsFetchHandler',
  'createPoolsHandler',
  'errorResponse',
  'fileStore',
  'handlePersonasFetch',
  'handlePersonasRequest',
  'hasRole',
  'inActiveHours',
  'inWorkHours',
  'inspectPersonas',
  'isPersonaPoolError',
  'loginFor',
  'memoryStore',
  'onClientError',
  'openApiDocument',
  'parsePersonas',
  'requestPath',
  'requireRole',
  'toFetchResponse',
  'versionOf',
];

/** Every type the root entry exports (type-only). */
const TYPES = [
  'ChangesOptions',
  'CodePointsAction',
  'EmailPersona',
  'EmailPersonaInput',
  'FetchRequest',
  'FetchTarget',
  'FileStoreOptions',
  'HeadersLike',
  'HistoryEntry',
  'HoursOptions',
  'InspectOptions',
  'Inspection',
  'MemoryStore',
  'MemoryStoreOptions',
  'OpenApiOptions',
  'OpenApiServer',
  'OptionsInput',
  'ParseOptions',
  'PersonaIssue',
  'PersonaPoolErrorCode',
  'PersonaPoolOptions',
  'PersonaSource',
  'PersonaStore',
  'PersonaWarning',
  'PersonaWarningCode',
  'PersonasFetchHandler',
  'PersonasFetchOptions',
  'PersonasHandler',
  'PersonasHandlerOptions',
  'PersonasRequest',
  'PersonasResponse',
  'PoolAccess',
  'PoolDescription',
  'PoolListener',
  'PoolProblem',
  'PoolSnapshot',
  'PoolUser',
  'PoolsFetchHandler',
  'PoolsFetchTarget',
  'PoolsHandler',
  'PoolsHandlerOptions',
  'PoolsRequest',
  'RawBody',
  'ReadOptions',
  'RejectedPersona',
  'ReplaceOptions',
  'ReplaceResult',
  'ReplyLatency',
  'RequestHeaders',
  'RoleCheck',
  'SourceProblem',
  'StoreChange',
  'StorePool',
  'StoreRead',
  'StoreReadOptions',
  'StoreReplaceOptions',
  'StoreWatch',
  'StoreWatchListener',
  'StoreWrite',
  'StoreWritten',
  'Tone',
  'UpdateFunction',
];

/** The names of `export type { ... }` statements of a module's text. */
function typeExports(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/export type \{([^}]*)\}/g)) names.push(...(match[1] as string).split(',').map((name) => name.trim()).filter(Boolean));
  return names;
}

const sorted = (names: readonly string[]) => [...names].sort((a, b) => a.localeCompare(b, 'en'));

describe('the root entry', () => {
  it('exports exactly the values listed', () => {
    expect(sorted(Object.keys(root))).toEqual(sorted(VALUES));
  });

  it('exports exactly the types listed, each type-only', () => {
    const text = fs.readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
    expect(sorted(typeExports(text))).toEqual(sorted(TYPES));
    expect(VALUES.filter((name) => TYPES.includes(name))).toEqual([]);
  });
});
