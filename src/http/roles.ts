import { PersonaPoolError } from '../errors.js';

/**
 * What persona-pool reads of the user object a host's own authentication produced: a string
 * `role`, and `must_change_password`. Any other field is the host's and passes through untouched.
 */
export interface PoolUser {
  /** The user's role, compared exactly and case-sensitively (`admin`, `viewer`). */
  readonly role: string;
  /** When truthy, every check fails with 403 until the user has changed their password. */
  readonly must_change_password?: unknown;
}

/**
 * A role check made by {@link requireRole}: it returns the user it was given, typed as a
 * {@link PoolUser}, or throws.
 */
export type RoleCheck = <U>(user: U) => U & PoolUser;

function isPoolUser(user: unknown): user is PoolUser {
  return typeof user === 'object' && user !== null && typeof (user as { role?: unknown }).role === 'string';
}

function checkRoles(roles: readonly unknown[]): readonly string[] {
  if (roles.length === 0) throw new PersonaPoolError('INVALID_OPTION', 'requireRole needs at least one role');
  for (const role of roles) {
    if (typeof role !== 'string' || role === '') {
      throw new PersonaPoolError('INVALID_OPTION', `requireRole: every role must be a non-empty string, got ${String(role)}`);
    }
  }
  return Object.freeze([...roles] as string[]);
}

/**
 * Tells whether `user` is an object whose string `role` is one of `roles`, exactly (case-sensitive,
 * no object-key lookup, so `constructor` or `__proto__` never match by accident). It does not look at
 * `must_change_password`: make access decisions with {@link requireRole}.
 *
 * @param user - The host's user object, or anything.
 * @param roles - The roles to accept.
 * @returns `true` when the user has one of the roles.
 *
 * @example
 * ```ts
 * hasRole({ role: 'admin' }, 'admin', 'viewer'); // true
 * hasRole({ role: 'Admin' }, 'admin'); // false
 * ```
 */
export function hasRole(user: unknown, ...roles: readonly string[]): user is PoolUser {
  return isPoolUser(user) && roles.includes(user.role);
}

/**
 * Makes a role check. The roles are checked once, here; the check then throws a
 * {@link PersonaPoolError} for: no user (null, not an object, no string `role`) → `UNAUTHORIZED`
 * 401 "Could not validate credentials"; a truthy `must_change_password` → `PASSWORD_CHANGE_REQUIRED`
 * 403; a role not listed → `FORBIDDEN` 403 "Insufficient permissions".
 *
 * @param roles - The roles allowed; compared exactly and case-sensitively.
 * @returns The check, `(user) => user`.
 * @throws {PersonaPoolError} `INVALID_OPTION` when no role is given or a role is not a non-empty string.
 *
 * @example
 * ```ts
 * const requireAuditor = requireRole('auditor', 'admin');
 * const user = requireAuditor(request.user); // throws a 401 or 403 PersonaPoolError
 * ```
 */
export function requireRole(...roles: readonly string[]): RoleCheck {
  const allowed = checkRoles(roles);
  return function checkRole<U>(user: U): U & PoolUser {
    if (!isPoolUser(user)) throw new PersonaPoolError('UNAUTHORIZED', 'Could not validate credentials');
    if (user.must_change_password) {
      throw new PersonaPoolError('PASSWORD_CHANGE_REQUIRED', 'Password change required before accessing this resource');
    }
    if (!allowed.includes(user.role)) throw new PersonaPoolError('FORBIDDEN', 'Insufficient permissions');
    return user;
  };
}

/**
 * The check for writing the pool: role `admin` (see {@link requireRole} for what it throws).
 *
 * @example
 * ```ts
 * requireAdmin({ role: 'admin' }); // returns the user
 * requireAdmin({ role: 'viewer' }); // throws FORBIDDEN (403)
 * ```
 */
export const requireAdmin: RoleCheck = requireRole('admin');

/**
 * The check for reading the pool: role `viewer` or `admin` (see {@link requireRole} for what it throws).
 *
 * @example
 * ```ts
 * requireViewer(null); // throws UNAUTHORIZED (401)
 * ```
 */
export const requireViewer: RoleCheck = requireRole('viewer', 'admin');
