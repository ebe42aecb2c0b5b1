import { BroadcastId, EntityId } from '@live/contracts';
import { z } from 'zod';

export const VoteParams = z.object({ id: BroadcastId, pollId: EntityId('pollId') });
export type VoteParams = z.infer<typeof VoteParams>;

export const VoteDto = z
  .object({
    option: z.number({ error: 'the index of one of the poll options (0-5)' }).int('the index of one of the poll options (0-5)').min(0, 'the index of one of the poll options (0-5)').max(5, 'the index of one of the poll options (0-5)'),
  })
  .strict();
export type VoteDto = z.infer<typeof VoteDto>;
