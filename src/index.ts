/**
 * persona-pool: the persona pool of a deception network's realism engine.
 *
 * @packageDocumentation
 */
export { ERROR_STATUS, isPersonaPoolError, PersonaPoolError } from './errors.js';
export type { PersonaIssue, PersonaPoolErrorCode, RejectedPersona } from './errors.js';
export { clearTimeZoneCache, inActiveHours, inWorkHours, loginFor } from './persona/hours.js';
export type { HoursOptions } from './persona/hours.js';
export { inspectPersonas, parsePersonas } from './persona/parse.js';
export type { InspectOptions, Inspection, ParseOptions, PersonaSource, SourceProblem } from './persona/parse.js';
export { PERSONA_WARNING_CODES } from './persona/warnings.js';
export type { PersonaWarning, PersonaWarningCode } from './persona/warnings.js';
export { PersonaPool } from './pool/pool.js';
export { POOL_DEFAULTS } from './pool/options.js';
export type { PersonaPoolOptions } from './pool/options.js';
export type { OptionsInput } from './options.js';
export type { ReadOptions, ReplaceOptions, ReplaceResult, UpdateFunction } from './pool/pool.js';
export type { ChangesOptions } from './pool/changes.js';
export type { PoolListener } from './pool/subscribers.js';
export { codePointLength, EmailPersonaSchema, PERSONA_FIELDS, REPLY_LATENCIES, TONES } from './persona/schema.js';
export type { CodePointsAction } from './persona/schema.js';
export type { EmailPersona, EmailPersonaInput, ReplyLatency, Tone } from './persona/schema.js';
export type { PoolSnapshot } from './pool/snapshot.js';
export type {
  HistoryEntry,
  PersonaStore,
  PoolProblem,
  StoreChange,
  StoreKept,
  StoreRead,
  StoreReadOptions,
  StoreReplaceOptions,
  StoreWatch,
  StoreWatchListener,
  StoreWrite,
  StoreWritten,
} from './stores/types.js';
export { ABSENT_VERSION, UNREADABLE_VERSION, versionOf } from './version.js';
export { FileStore, fileStore } from './stores/file/store.js';
export { FILE_STORE_DEFAULTS } from './stores/file/options.js';
export type { FileStoreOptions } from './stores/file/options.js';
export type { FileTag } from './stores/file/read.js';
export type { NumberStamp, Stamp } from './stores/file/stamp.js';
export { MemoryStore, memoryStore } from './stores/memory/store.js';
export type { MemoryStoreOptions } from './stores/memory/store.js';
export { hasRole, requireAdmin, requireRole, requireViewer } from './http/roles.js';
export type { PoolUser, RoleCheck } from './http/roles.js';
export { createPersonasHandler, errorResponse, HANDLER_DEFAULTS, handlePersonasRequest, listPersonas, replacePersonas } from './http/handler.js';
export type { ListPersonasRequest, PersonasHandler, PersonasHandlerOptions, PersonasRequest, PersonasResponse, PoolAccess, RawBody, ReplacePersonasRequest } from './http/types.js';
export { readJsonBody } from './http/body.js';
export { onClientError, requestPath } from './http/host.js';
export type { HeadersLike, RequestHeaders } from './http/headers.js';
export { createPersonasFetchHandler, handlePersonasFetch, toFetchResponse } from './http/fetch.js';
export type { FetchRequest, PersonasFetchHandler, PersonasFetchOptions } from './http/fetch.js';
export { OPENAPI_PATH, OPENAPI_POOLS_PATH, openApiDocument } from './http/openapi.js';
export type { OpenApiOptions, OpenApiServer } from './http/openapi.js';
