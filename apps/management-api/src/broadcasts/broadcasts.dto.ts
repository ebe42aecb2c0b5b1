import { BroadcastStatus } from '@live/contracts';
import { z } from 'zod';
import { PageQuery } from '../common/pagination';
import { v } from '../common/validation';

/** viewers a show expects (the surge pre-warmer scales ahead of big ones); null clears it */
const expectedAudience = z.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(100_000_000).nullable().optional();

export const CreateBroadcast = z
  .object({
    title: v.text(120),
    scheduledAt: v.date,
    /** required for operators and admins; a seller may omit it (it is the seller) */
    sellerId: v.text(128).optional(),
    expectedAudience,
  })
  .strict();
export type CreateBroadcast = z.infer<typeof CreateBroadcast>;

export const UpdateBroadcast = z
  .object({ title: v.text(120).optional(), scheduledAt: v.date.optional(), expectedAudience })
  .strict()
  .refine((x) => x.title !== undefined || x.scheduledAt !== undefined || x.expectedAudience !== undefined, { message: 'nothing to change', path: ['body'] });
export type UpdateBroadcast = z.infer<typeof UpdateBroadcast>;

export const BroadcastQuery = z
  .object({
    status: BroadcastStatus.optional(),
    sellerId: z.string().max(128).optional(),
    from: v.date.optional(),
    to: v.date.optional(),
    ...PageQuery,
  })
  .strict();
export type BroadcastQuery = z.infer<typeof BroadcastQuery>;

export const ChatSettings = z
  .object({
    /** one line per N seconds per viewer; 0 turns slow mode off */
    slowModeSeconds: z.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(3600),
    /** lines per second the room shows before sampling; null: the platform default */
    displayBudgetPerSecond: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(100_000).nullable().default(null),
  })
  .strict();
export type ChatSettings = z.infer<typeof ChatSettings>;
