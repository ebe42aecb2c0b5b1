import type { Role } from './events/envelope';

/** One chat line as viewers get it. `seq` orders lines of a show and is the resync cursor. */
export interface ChatLine {
  seq: string;
  messageId: string;
  userId: string;
  userName: string;
  roles: Role[];
  text: string;
  acceptedAt: string;
}

/** `chat.batch`: the lines of one window of one show, and how many were not shown. */
export interface ChatBatch {
  broadcastId: string;
  lines: ChatLine[];
  /** accepted lines of this window left out by the display budget (stored and counted all the same) */
  suppressed: number;
}

/** `chat.deleted` */
export interface ChatDeleted {
  broadcastId: string;
  messageId: string;
}

/** `viewers.count`: concurrent viewers of the show across every gateway */
export interface ViewersCount {
  broadcastId: string;
  count: number;
}

/** Roles whose lines are always shown, whatever the display budget. */
export const PRIORITY_ROLES: readonly Role[] = ['seller', 'moderator', 'operator', 'admin'];
