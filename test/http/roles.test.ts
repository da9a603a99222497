import { describe, expect, it } from 'vitest';
import { hasRole, PersonaPoolError, requireRole, type RoleCheck } from '../../src/index.js';
import { requireAdmin, requireViewer } from '../../src/http/roles.js';

/** The error a check throws for `user`, or undefined when it passes. */
function errorOf(check: RoleCheck, user: unknown): PersonaPoolError | undefined {
  try {
    check(user);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(PersonaPoolError);
    return error as PersonaPoolError;
  }
}

function expectRefused(check: RoleCheck, user: unknown, code: string, status: number, message: string): void {
  const error = errorOf(check, user);
  expect(error).toMatchObject({ code, status, message });
}

const UNAUTHORIZED = ['UNAUTHORIZED', 401, 'Could not validate credentials'] as const;
const FORBIDDEN = ['FORBIDDEN', 403, 'Insufficient permissions'] as const;
const MUST_CHANGE = ['PASSWORD_CHANGE_REQUIRED', 403, 'Password change required before accessing this resource'] as const;

describe('requireRole: who is not a user', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'admin'],
    ['a number', 42],
    ['a function', Object.assign(() => undefined, { role: 'admin' })],
    ['an object without role', { name: 'ann' }],
    ['an array', ['admin']],
    ['a numeric role', { role: 1 }],
    ['a null role', { role: null }],
    ['a role list', { role: ['admin'] }],
    ['a role object', { role: { toString: () => 'admin' } }],
  ])('refuses %s with 401', (_name, user) => {
    expectRefused(requireAdmin, user, ...UNAUTHORIZED);
    expectRefused(requireViewer, user, ...UNAUTHORIZED);
  });
});

describe('requireRole: must_change_password', () => {
  it.each([true, 1, 'yes'])('refuses an admin with must_change_password %j with 403', (flag) => {
    expectRefused(requireAdmin, { role: 'admin', must_change_password: flag }, ...MUST_CHANGE);
    expectRefused(requireViewer, { role: 'viewer', must_change_password: flag }, ...MUST_CHANGE);
  });

  it('checks the password before the role', () => {
    expectRefused(requireAdmin, { role: 'viewer', must_change_password: true }, ...MUST_CHANGE);
  });

  it.each([false, 0, '', null, undefined])('lets a falsy must_change_password %j through', (flag) => {
    const user = { role: 'admin', must_change_password: flag };
    expect(requireAdmin(user)).toBe(user);
  });
});

describe('requireAdmin and requireViewer', () => {
  it.each([
    ['admin', 'admin', true],
    ['admin', 'viewer', false],
    ['viewer', 'admin', true],
    ['viewer', 'viewer', true],
  ] as const)('%s check, role %s: allowed %s', (check, role, allowed) => {
    const user = { username: 'ann', role };
    const guard = check === 'admin' ? requireAdmin : requireViewer;
    if (allowed) expect(guard(user)).toBe(user);
    else expectRefused(guard, user, ...FORBIDDEN);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '', 'guest', 'Admin', 'ADMIN', 'Viewer', ' admin', 'admin '])(
    'refuses the role %j with 403',
    (role) => {
      expectRefused(requireAdmin, { role }, ...FORBIDDEN);
      expectRefused(requireViewer, { role }, ...FORBIDDEN);
    },
  );

  it('refuses a role that only a prototype lookup would find', () => {
    const user = JSON.parse('{"role": "__proto__", "__proto__": {"admin": true}}') as unknown;
    expectRefused(requireAdmin, user, ...FORBIDDEN);
  });

  it('returns the very user object, fields untouched', () => {
    const user = { id: 7, role: 'viewer', teams: ['red'] };
    const checked = requireViewer(user);
    expect(checked).toBe(user);
    expect(checked.teams).toEqual(['red']);
  });
});

describe('requireRole', () => {
  it('allows exactly the roles given', () => {
    const requireAuditor = requireRole('auditor', 'admin');
    expect(requireAuditor({ role: 'auditor' })).toEqual({ role: 'auditor' });
    expect(requireAuditor({ role: 'admin' })).toEqual({ role: 'admin' });
    expectRefused(requireAuditor, { role: 'viewer' }, ...FORBIDDEN);
    expectRefused(requireAuditor, { role: 'Auditor' }, ...FORBIDDEN);
  });

  it('returns a named function', () => {
    expect(requireRole('admin').name).toBe('checkRole');
  });

  it.each([[[]], [['']], [[1]], [['admin', null]]])('refuses the roles %j with INVALID_OPTION', (roles) => {
    expect(() => requireRole(...(roles as string[]))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('is not affected by changes to the array it was given', () => {
    const roles = ['admin'];
    const check = requireRole(...roles);
    roles[0] = 'viewer';
    expectRefused(check, { role: 'viewer' }, ...FORBIDDEN);
  });
});

describe('hasRole', () => {
  it('tells whether the role is one of the roles, exactly', () => {
    expect(hasRole({ role: 'admin' }, 'admin')).toBe(true);
    expect(hasRole({ role: 'viewer' }, 'admin', 'viewer')).toBe(true);
    expect(hasRole({ role: 'viewer' }, 'admin')).toBe(false);
    expect(hasRole({ role: 'ADMIN' }, 'admin')).toBe(false);
    expect(hasRole({ role: 'admin' })).toBe(false);
  });

  it.each([null, undefined, 'admin', {}, { role: 7 }, ['admin']])('is false for the non-user %j', (user) => {
    expect(hasRole(user, 'admin', 'viewer')).toBe(false);
  });

  it.each(['constructor', '__proto__', 'toString'])('is false for the role %j', (role) => {
    expect(hasRole({ role }, 'admin', 'viewer')).toBe(false);
  });

  it('does not look at must_change_password', () => {
    expect(hasRole({ role: 'admin', must_change_password: true }, 'admin')).toBe(true);
  });

  it('narrows to a user with a role', () => {
    const user: unknown = { role: 'viewer' };
    if (hasRole(user, 'viewer')) expect(user.role).toBe('viewer');
    else expect.unreachable();
  });
});
