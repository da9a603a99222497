/**
 * `persona-pool/browser`: what a dashboard page imports. No dependency, no Node API: fetch, and
 * Web Locks and BroadcastChannel where the browser has them.
 *
 * @packageDocumentation
 */
export { followPersonas } from './follow.js';
export type { FollowFailure, FollowOptions } from './options.js';
export { isPersonaPoolError, PersonaPoolError } from '../errors.js';
export type { PersonaPoolErrorCode } from '../errors.js';
