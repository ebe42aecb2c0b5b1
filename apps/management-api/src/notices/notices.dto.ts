import { NoticeEntity } from '@live/management-data-access';
import { z } from 'zod';
import { v } from '../common/validation';

export const PostNotice = z
  .object({
    text: v.text(300),
    /** seconds until the notice disappears by itself; none: until cleared */
    ttlSeconds: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(86_400).optional(),
  })
  .strict();
export type PostNotice = z.infer<typeof PostNotice>;

export const NoticeParams = z.object({ id: v.uuid(), noticeId: v.uuid('noticeId') });
export type NoticeParams = z.infer<typeof NoticeParams>;

export const noticeView = (n: NoticeEntity) => ({
  id: n.id,
  broadcastId: n.broadcastId,
  text: n.text,
  postedAt: n.postedAt.toISOString(),
  expiresAt: n.expiresAt?.toISOString() ?? null,
  clearedAt: n.clearedAt?.toISOString() ?? null,
  active: !n.clearedAt && (!n.expiresAt || n.expiresAt.getTime() > Date.now()),
});
