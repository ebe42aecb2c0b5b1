import { z } from 'zod';
import { EventEnvelope } from './envelope';

export const BroadcastStatus = z.enum(['scheduled', 'live', 'ended']);
export type BroadcastStatus = z.infer<typeof BroadcastStatus>;

/** A show changed status; emitted by management-api after the change is committed. */
export const BroadcastLifecycleV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  sellerId: z.string().min(1).max(128),
  status: BroadcastStatus,
  at: z.iso.datetime(),
});
export type BroadcastLifecycleV1 = z.infer<typeof BroadcastLifecycleV1>;
