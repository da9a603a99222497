/**
 * persona-pool: the persona pool of a deception network's realism engine.
 *
 * The root entry exports what users call and the types of its signatures; test/exports.test.ts
 * holds the list.
 *
 * @packageDocumentation
 */
export { ERROR_STATUS, isPersonaPoolError, PersonaPoolError } from './errors.js';
export type { PersonaIssue, PersonaPoolErrorCode, RejectedPersona } from './errors.js';

export { EmailPersonaSchema, REPLY_LATENCIES, TONES } from './persona/schema.js';
export type { CodePointsAction, EmailPersona, EmailPersonaInput, ReplyLatency, Tone } from './persona/schema.js';
export { inspectPersonas, parsePersonas } from './persona/parse.js';
export type { InspectOptions, Inspection, ParseOptions, PersonaSource, SourceProblem } from './persona/parse.js';
export type { PersonaWarning, PersonaWarningCode } from './persona/warnings.js';
export { inActiveHours, inWorkHours, loginFor } from './persona/hours.js';
export type { HoursOptions } from './persona/hours.js';

export { PersonaPool } from './persona-pool.js';
export type { ReadOptions, StorePool } from './pool/pool.js';
export type { PersonaPoolOptions } from './pool/pool-options.js';
export type { OptionsInput } from './options.js';
export type { ReplaceOptions, ReplaceResult, UpdateFunction } from './pool/transaction.js';
export type { PoolSnapshot } from './pool/snapshot.js';
export type { ChangesOptions } from './pool/changes.js';
export type { PoolListener } from './pool/subscribers.js';

export { versionOf } from './version.js';
export type {
  HistoryEntry,
  PersonaStore,
  PoolProblem,
  StoreChange,
  StoreRead,
  StoreReadOptions,
  StoreReplaceOptions,
  StoreWatch,
  StoreWatchListener,
  StoreWrite,
  StoreWritten,
} from './stores/types.js';
export { fileStore } from './stores/file/store.js';
export type { FileStoreOptions } from './stores/file/file-options.js';
export { memoryStore } from './stores/memory/store.js';
export type { MemoryStore, MemoryStoreOptions } from './stores/memory/store.js';

export { createPersonasHandler, errorResponse, handlePersonasRequest } from './http/handler.js';
export type { PersonasHandler, PersonasHandlerOptions, PersonasRequest, PersonasResponse, PoolAccess, RawBody } from './http/types.js';
export { hasRole, requireRole } from './http/roles.js';
export type { PoolUser, RoleCheck } from './http/roles.js';
export { onClientError, requestPath } from './http/host.js';
export type { HeadersLike, RequestHeaders } from './http/headers.js';
export { createPersonasFetchHandler, handlePersonasFetch, toFetchResponse } from './http/fetch.js';
export type { FetchRequest, FetchTarget, PersonasFetchHandler, PersonasFetchOptions } from './http/fetch.js';
export { createPoolsHandler } from './http/pools.js';
export type { PoolDescription, PoolsHandler, PoolsHandlerOptions, PoolsRequest } from './http/pools.js';
export { createPoolsFetchHandler } from './http/pools-fetch.js';
export type { PoolsFetchHandler, PoolsFetchTarget } from './http/pools-fetch.js';
export { openApiDocument } from './http/openapi.js';
export type { OpenApiOptions, OpenApiServer } from './http/openapi.js';
