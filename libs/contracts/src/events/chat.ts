import { z } from 'zod';
import { EventEnvelope, Role } from './envelope';

/** A chat line message-api accepted (the broker has it before the viewer gets 202). */
export const ChatAcceptedV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  messageId: z.uuid(),
  clientMessageId: z.string().min(1).max(64),
  userId: z.string().min(1).max(128),
  userName: z.string().max(64),
  roles: z.array(Role),
  text: z.string().min(1).max(200),
  acceptedAt: z.iso.datetime(),
});
export type ChatAcceptedV1 = z.infer<typeof ChatAcceptedV1>;

/**
 * What message-processor did with one window of a show's chat: which accepted lines the room
 * was shown and which the display budget left out. A line is decided once; a replayed window
 * may decide again, and consumers keep the first decision per messageId.
 */
export const ChatWindowSampledV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  shown: z.array(z.uuid()),
  suppressed: z.array(z.uuid()),
});
export type ChatWindowSampledV1 = z.infer<typeof ChatWindowSampledV1>;
