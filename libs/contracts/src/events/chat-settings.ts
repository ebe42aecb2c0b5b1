import { z } from 'zod';
import { EventEnvelope } from './envelope';

/** Chat settings of a show, changed by an operator or its seller. */
export const BroadcastChatSettingsV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  /** one line per N seconds per viewer (0: off, the platform's normal rate limit applies) */
  slowModeSeconds: z.number().int().min(0).max(3600),
  /** chat lines per second the room shows before sampling (null: the platform default) */
  displayBudgetPerSecond: z.number().int().min(1).max(100_000).nullable(),
});
export type BroadcastChatSettingsV1 = z.infer<typeof BroadcastChatSettingsV1>;
