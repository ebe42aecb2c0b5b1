import { AppError, CommonErrors } from '@live/app';
import { Principal } from '@live/auth';

export const STAFF = ['admin', 'operator'] as const;

export const isStaff = (user: Principal) => user.roles.some((r) => (STAFF as readonly string[]).includes(r));

/** Admin and operator manage everything; a seller only what it owns; nobody else anything. */
export function assertCanManage(user: Principal, ownerId: string, what = 'this show'): void {
  if (isStaff(user)) return;
  if (user.roles.includes('seller') && user.sub === ownerId) return;
  throw CommonErrors.forbidden(`you may not manage ${what}`);
}

export const ManagementErrors = {
  illegalTransition: (what: string, from: string, to: string) =>
    new AppError(409, 'ILLEGAL_TRANSITION', `${what} cannot go from ${from} to ${to}`, 'status'),
  conflict: (code: string, message: string, field?: string) => new AppError(409, code, message, field),
};
