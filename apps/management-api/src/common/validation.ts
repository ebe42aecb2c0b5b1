import { z } from 'zod';

export { ZodPipe } from '@live/errors';
export type { Dto } from '@live/errors';

/** OpenAPI schema of a zod schema (zod 4 emits JSON Schema itself). */
export const openApiSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const v = {
  uuid: (what = 'id') => z.uuid({ error: `${what} must be a UUID` }),
  text: (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`),
  date: isoDate,
  money: z
    .union([z.number(), z.string().regex(/^\d{1,10}(\.\d{1,2})?$/)], { error: 'must be a non-negative amount with at most 2 decimals' })
    .transform((x) => Number(x))
    .refine((x) => Number.isFinite(x) && x >= 0 && Math.round(x * 100) === x * 100, 'must be a non-negative amount with at most 2 decimals'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as KRW'),
  count: (max: number) => z.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(max),
};

export const IdParam = z.object({ id: v.uuid() });
export type IdParam = z.infer<typeof IdParam>;
