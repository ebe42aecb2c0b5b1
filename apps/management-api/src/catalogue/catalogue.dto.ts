import { z } from 'zod';
import { v } from '../common/validation';

/** Viewer-facing names of the show states. */
export const CatalogueStatus = z.enum(['upcoming', 'live', 'ended'], { error: 'must be upcoming, live or ended' });
export type CatalogueStatus = z.infer<typeof CatalogueStatus>;

export const CatalogueQuery = z
  .object({
    /** one or more, comma-separated: `live,upcoming` */
    status: z
      .string()
      .max(40)
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(CatalogueStatus).min(1, 'must name a status'))
      .optional(),
    sellerId: z.string().max(128).optional(),
    /** by scheduled start; default ascending (soonest first) */
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('asc'),
    limit: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be 1-50').max(50, 'must be 1-50').default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type CatalogueQuery = z.infer<typeof CatalogueQuery>;

export const SellerProfile = z.object({ displayName: v.text(80) }).strict();
export type SellerProfile = z.infer<typeof SellerProfile>;

export const SellerParam = z.object({ sellerId: z.string().min(1).max(128) });
export type SellerParam = z.infer<typeof SellerParam>;
