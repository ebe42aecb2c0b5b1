import { PollEntity } from '@live/management-data-access';
import { z } from 'zod';
import { v } from '../common/validation';

export const CreatePoll = z
  .object({
    question: v.text(200),
    options: z.array(v.text(80), { error: 'must be a list of 2 to 6 texts' }).min(2, 'needs 2 to 6 options').max(6, 'needs 2 to 6 options'),
  })
  .strict()
  .refine((p) => new Set(p.options).size === p.options.length, { message: 'must not repeat an option', path: ['options'] });
export type CreatePoll = z.infer<typeof CreatePoll>;

export const PollParams = z.object({ id: v.uuid(), pollId: v.uuid('pollId') });
export type PollParams = z.infer<typeof PollParams>;

export const pollView = (p: PollEntity) => ({
  id: p.id,
  broadcastId: p.broadcastId,
  question: p.question,
  options: p.options,
  status: p.status,
  openedAt: p.openedAt?.toISOString() ?? null,
  closedAt: p.closedAt?.toISOString() ?? null,
});
