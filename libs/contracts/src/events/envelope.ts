import { z } from 'zod';

/** Fields every event carries: consumers dedupe on eventId (delivery is at-least-once). */
export const EventEnvelope = z.object({
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
});

export const Role = z.enum(['viewer', 'seller', 'moderator', 'operator', 'admin']);
export type Role = z.infer<typeof Role>;
