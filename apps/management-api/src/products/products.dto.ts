import { z } from 'zod';
import { PageQuery } from '../common/pagination';
import { v } from '../common/validation';

export const CreateProduct = z
  .object({
    name: v.text(120),
    price: v.money,
    currency: v.currency,
    imageUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).nullable().optional(),
    stock: v.count(10_000_000),
    /** required for operators and admins; a seller's products are its own */
    sellerId: v.text(128).optional(),
  })
  .strict();
export type CreateProduct = z.infer<typeof CreateProduct>;

export const UpdateProduct = CreateProduct.omit({ sellerId: true })
  .partial()
  .strict()
  .refine((x) => Object.keys(x).length > 0, { message: 'nothing to change', path: ['body'] });
export type UpdateProduct = z.infer<typeof UpdateProduct>;

export const ProductQuery = z.object({ sellerId: z.string().max(128).optional(), ...PageQuery }).strict();
export type ProductQuery = z.infer<typeof ProductQuery>;

export const AddShowProduct = z.object({ productId: v.uuid('productId'), position: v.count(1000).optional() }).strict();
export type AddShowProduct = z.infer<typeof AddShowProduct>;

export const ShowProductParams = z.object({ id: v.uuid(), productId: v.uuid('productId') });
export type ShowProductParams = z.infer<typeof ShowProductParams>;

export const ReorderShowProducts = z
  .object({ productIds: z.array(v.uuid('productIds[]')).min(1).max(200) })
  .strict()
  .refine((x) => new Set(x.productIds).size === x.productIds.length, { message: 'must not repeat a product', path: ['productIds'] });
export type ReorderShowProducts = z.infer<typeof ReorderShowProducts>;

export const ReserveStock = z
  .object({
    /** the shop's own id for this hold (its cart or order): a retry with it reserves nothing more */
    reservationId: z.string().trim().min(1, 'must not be empty').max(128).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
    quantity: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(10_000),
  })
  .strict();
export type ReserveStock = z.infer<typeof ReserveStock>;

export const ReservationParams = z.object({ id: v.uuid(), reservationId: z.string().min(1).max(128) });
export type ReservationParams = z.infer<typeof ReservationParams>;
