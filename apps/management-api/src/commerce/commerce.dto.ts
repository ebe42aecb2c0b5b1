import { z } from 'zod';
import { PageQuery } from '../common/pagination';

export const RedeemCode = z
  .object({
    code: z.string().trim().min(1, 'must not be empty').max(64),
    /** the shop's order: repeating a redemption with the same orderRef answers it again (200) */
    orderRef: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type RedeemCode = z.infer<typeof RedeemCode>;

export const MineQuery = z.object({ limit: PageQuery.limit }).strict();
export type MineQuery = z.infer<typeof MineQuery>;
