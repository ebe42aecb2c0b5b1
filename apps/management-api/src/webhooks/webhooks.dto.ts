import { z } from 'zod';
import { v } from '../common/validation';
import { WebhookEventType } from './webhook-events';

const url = z.string().trim().max(2048, 'must be at most 2048 characters').regex(/^https?:\/\//i, 'must be an http(s) URL');
const eventTypes = z.array(WebhookEventType).min(1, 'must name an event type').max(20).transform((a) => [...new Set(a)]);

export const CreateEndpoint = z
  .object({
    url,
    eventTypes,
    description: z.string().trim().max(200).default(''),
    /** a seller's endpoints are its own; staff name the seller, or an admin leaves it out for a platform-wide endpoint */
    sellerId: v.text(128).optional(),
  })
  .strict();
export type CreateEndpoint = z.infer<typeof CreateEndpoint>;

export const UpdateEndpoint = z
  .object({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: z.string().trim().max(200).optional(),
    /** true re-enables an endpoint that was disabled after failing (its pending deliveries resume) */
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((x) => Object.keys(x).length > 0, { message: 'nothing to change', path: ['body'] });
export type UpdateEndpoint = z.infer<typeof UpdateEndpoint>;

export const EndpointQuery = z.object({ sellerId: z.string().max(128).optional() }).strict();
export type EndpointQuery = z.infer<typeof EndpointQuery>;

export const DeliveryQuery = z
  .object({
    status: z.enum(['pending', 'delivered', 'failed']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;

export const DeliveryParams = z.object({ id: v.uuid(), deliveryId: z.string().regex(/^msg_[0-9a-f]{32}$/, 'not a delivery id') });
export type DeliveryParams = z.infer<typeof DeliveryParams>;

export const DailyReportRun = z.object({ day: z.iso.date({ error: 'must be a date YYYY-MM-DD' }) }).strict();
export type DailyReportRun = z.infer<typeof DailyReportRun>;
