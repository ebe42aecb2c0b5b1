import { z } from 'zod';

/** A show's id as every API and socket event takes it (management issues UUIDs). */
export const BroadcastId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a broadcast id');
export type BroadcastId = z.infer<typeof BroadcastId>;

/** Coupon, poll, message and other ids management and the apps issue. */
export const EntityId = (what: string) => z.uuid({ error: `${what} must be a UUID` });
