import { z } from 'zod';

/** What an endpoint can subscribe to. The body is `{ type, timestamp, data }` (Standard Webhooks). */
export const WebhookEventType = z.enum(['show.started', 'show.ended', 'product.pinned', 'coupon.claimed', 'coupon.redeemed', 'poll.closed', 'replay.ready', 'report.daily'], {
  error: 'must be one of show.started, show.ended, product.pinned, coupon.claimed, coupon.redeemed, poll.closed, replay.ready, report.daily',
});
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** One event for the endpoints of one seller (and the platform-wide ones). */
export interface WebhookEvent {
  /** the source event's id: one delivery per endpoint and event, however often Kafka redelivers it */
  eventId: string;
  type: WebhookEventType;
  sellerId: string;
  timestamp: string;
  data: Record<string, unknown>;
}
