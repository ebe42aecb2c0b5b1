import { z } from 'zod';
import { EventEnvelope } from './envelope';

/** A viewer entered or left a show's room on a gateway (analytics: concurrent and unique viewers). */
export const ViewerPresenceV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  /** the user id, or `anon:<socket id>` for an anonymous viewer */
  viewerId: z.string().min(1).max(160),
  change: z.enum(['joined', 'left']),
  gatewayId: z.string().min(1).max(64),
});
export type ViewerPresenceV1 = z.infer<typeof ViewerPresenceV1>;
