import { BanEntity } from '@live/management-data-access';
import { z } from 'zod';
import { v } from '../common/validation';

export const CreateBan = z
  .object({
    userId: v.text(128),
    reason: v.text(500),
    /** none: until lifted */
    durationSeconds: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(31_536_000).optional(),
  })
  .strict();
export type CreateBan = z.infer<typeof CreateBan>;

export const ShowUserParams = z.object({ id: v.uuid(), userId: v.text(128) });
export type ShowUserParams = z.infer<typeof ShowUserParams>;
export const UserParam = z.object({ userId: v.text(128) });
export type UserParam = z.infer<typeof UserParam>;
export const MessageParams = z.object({ id: v.uuid(), messageId: v.uuid('messageId') });
export type MessageParams = z.infer<typeof MessageParams>;

export const banView = (b: BanEntity) => ({
  id: b.id,
  broadcastId: b.broadcastId,
  userId: b.userId,
  reason: b.reason,
  until: b.until?.toISOString() ?? null,
  createdBy: b.createdBy,
  createdAt: b.createdAt.toISOString(),
});
