import { AppError, CodeOf, CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';

export const STAFF = ['admin', 'operator'] as const;

export const isStaff = (user: Principal) => user.roles.some((r) => (STAFF as readonly string[]).includes(r));

/** Admin and operator manage everything; a seller only what it owns; nobody else anything. */
export function assertCanManage(user: Principal, ownerId: string, what = 'this show'): void {
  if (isStaff(user)) return;
  if (user.roles.includes('seller') && user.sub === ownerId) return;
  throw CommonErrors.forbidden(`you may not manage ${what}`);
}

/** The conflicts management answers 409 with. */
export const ManagementErrorCode = {
  IllegalTransition: 'ILLEGAL_TRANSITION',
  AlreadyBanned: 'ALREADY_BANNED',
  AlreadyCleared: 'ALREADY_CLEARED',
  AlreadyInShow: 'ALREADY_IN_SHOW',
  AlreadyExposed: 'ALREADY_EXPOSED',
  NotExposed: 'NOT_EXPOSED',
  BroadcastEnded: 'BROADCAST_ENDED',
  ShowEnded: 'SHOW_ENDED',
  CouponExpired: 'COUPON_EXPIRED',
  NotPinned: 'NOT_PINNED',
  NotScheduled: 'NOT_SCHEDULED',
  NotSellersProduct: 'NOT_SELLERS_PRODUCT',
  OutOfStock: 'OUT_OF_STOCK',
  ReservationMismatch: 'RESERVATION_MISMATCH',
} as const;
export type ManagementErrorCode = CodeOf<typeof ManagementErrorCode>;

export class ManagementError extends AppError<ManagementErrorCode> {}

export const ManagementErrors = {
  illegalTransition: (what: string, from: string, to: string) =>
    new ManagementError(409, ManagementErrorCode.IllegalTransition, `${what} cannot go from ${from} to ${to}`, 'status'),
  conflict: (code: ManagementErrorCode, message: string, field?: string) => new ManagementError(409, code, message, field),
};
