import { z } from 'zod';
import { v } from '../common/validation';

export const CreateApiKey = z
  .object({
    name: v.text(80),
    /** required for operators and admins; a seller's keys are its own */
    sellerId: v.text(128).optional(),
  })
  .strict();
export type CreateApiKey = z.infer<typeof CreateApiKey>;

export const ApiKeyQuery = z.object({ sellerId: z.string().max(128).optional() }).strict();
export type ApiKeyQuery = z.infer<typeof ApiKeyQuery>;
