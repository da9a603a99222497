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
export type { Inspection, ParseOptions, PersonaSource, SourceProblem } from './parse.js';
export { PersonaPool } from './pool.js';
export { POOL_DEFAULTS } from './pool-options.js';
export type { PersonaPoolOptions } from './pool-options.js';
export type { ReadOptions, ReplaceOptions, ReplaceResult } from './pool.js';
export type { ChangesOptions } from './changes.js';
export type { PoolListener } from './subscribers.js';
export { codePointLength, EmailPersonaSchema, PERSONA_FIELDS, REPLY_LATENCIES, TONES } from './schema.js';
export type { CodePointsAction } from './schema.js';
export type { EmailPersona, EmailPersonaInput, ReplyLatency, Tone } from './schema.js';
export type { PoolProblem, PoolSnapshot } from './snapshot.js';
export { hasRole, requireAdmin, requireRole, requireViewer } from './roles.js';
export type { PoolUser, RoleCheck } from './roles.js';
export { createPersonasHandler, errorResponse, handlePersonasRequest, listPersonas, replacePersonas } from './http.js';
export type { ListPersonasRequest, PersonasHandler, PersonasHandlerOptions, PersonasRequest, PersonasResponse, PoolAccess, ReplacePersonasRequest } from './http.js';
export type { HeadersLike, RequestHeaders } from './http-headers.js';
