import { z } from 'zod';
import { EventEnvelope } from './envelope';

/** Bans (per show, or global when broadcastId is null), unbans and deleted chat lines. */
export const ModerationActionV1 = z.discriminatedUnion('action', [
  EventEnvelope.extend({
    action: z.literal('ban'),
    banId: z.uuid(),
    broadcastId: z.string().min(1).max(64).nullable(),
    userId: z.string().min(1).max(128),
    reason: z.string().max(500),
    until: z.iso.datetime().nullable(),
  }),
  EventEnvelope.extend({
    action: z.literal('unban'),
    banId: z.uuid(),
    broadcastId: z.string().min(1).max(64).nullable(),
    userId: z.string().min(1).max(128),
  }),
  EventEnvelope.extend({
    action: z.literal('message.deleted'),
    broadcastId: z.string().min(1).max(64),
    messageId: z.uuid(),
  }),
]);
export type ModerationActionV1 = z.infer<typeof ModerationActionV1>;
