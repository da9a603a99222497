/**
 * persona-pool: the persona pool of a deception network's realism engine.
 *
 * @packageDocumentation
 */
export { ERROR_STATUS, isPersonaPoolError, PersonaPoolError } from './errors.js';
export type { PersonaIssue, PersonaPoolErrorCode, RejectedPersona } from './errors.js';
export { clearTimeZoneCache, inActiveHours, inWorkHours, loginFor } from './hours.js';
export type { HoursOptions } from './hours.js';
export { inspectPersonas, parsePersonas } from './parse.js';
export type { InspectOptions, Inspection, ParseOptions, PersonaSource, SourceProblem } from './parse.js';
export { PERSONA_WARNING_CODES } from './warnings.js';
export type { PersonaWarning, PersonaWarningCode } from './warnings.js';
export { PersonaPool } from './pool.js';
export { POOL_DEFAULTS } from './pool-options.js';
export type { PersonaPoolOptions } from './pool-options.js';
export type { OptionsInput } from './options.js';
export type { ReadOptions, ReplaceOptions, ReplaceResult, UpdateFunction } from './pool.js';
export type { HistoryEntry } from './history-names.js';
export type { ChangesOptions } from './changes.js';
export type { PoolListener } from './subscribers.js';
export { codePointLength, EmailPersonaSchema, PERSONA_FIELDS, REPLY_LATENCIES, TONES } from './schema.js';
export type { CodePointsAction } from './schema.js';
export type { EmailPersona, EmailPersonaInput, ReplyLatency, Tone } from './schema.js';
export type { PoolProblem, PoolSnapshot } from './snapshot.js';
export { hasRole, requireAdmin, requireRole, requireViewer } from './roles.js';
export type { PoolUser, RoleCheck } from './roles.js';
export { createPersonasHandler, errorResponse, HANDLER_DEFAULTS, handlePersonasRequest, listPersonas, replacePersonas } from './http.js';
export type { ListPersonasRequest, PersonasHandler, PersonasHandlerOptions, PersonasRequest, PersonasResponse, PoolAccess, RawBody, ReplacePersonasRequest } from './http-types.js';
export { readJsonBody } from './http-body.js';
export { onClientError, requestPath } from './http-host.js';
export type { HeadersLike, RequestHeaders } from './http-headers.js';
