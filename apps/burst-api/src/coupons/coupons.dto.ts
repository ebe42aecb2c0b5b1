import { BroadcastId, EntityId } from '@live/contracts';
import { z } from 'zod';

export const ClaimParams = z.object({ id: BroadcastId, couponId: EntityId('couponId') });
export type ClaimParams = z.infer<typeof ClaimParams>;
