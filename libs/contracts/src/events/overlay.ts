import { z } from 'zod';
import { EventEnvelope } from './envelope';

export const OverlayKind = z.enum(['product', 'coupon', 'notice', 'poll']);
export type OverlayKind = z.infer<typeof OverlayKind>;

/**
 * What viewers see on top of the video. `key` identifies the slot (OverlayKeys): `pin` for
 * the pinned product (one at a time), one per coupon, notice and poll.
 */
export const Overlay = z.object({
  key: z.string().min(1).max(80),
  kind: OverlayKind,
  id: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
  /** when the overlay disappears by itself (notice TTL, coupon window), if it does */
  expiresAt: z.iso.datetime().nullable(),
  shownAt: z.iso.datetime(),
});
export type Overlay = z.infer<typeof Overlay>;

/** Overlay slot keys, built and read only here. */
export const OverlayKeys = {
  pin: 'pin',
  coupon: (couponId: string) => `coupon:${couponId}`,
  notice: (noticeId: string) => `notice:${noticeId}`,
  poll: (pollId: string) => `poll:${pollId}`,
  /** the kind and id of a slot key; the pinned product's slot has no id of its own */
  parse(key: string): { kind: OverlayKind; id: string | null } | undefined {
    if (key === 'pin') return { kind: 'product', id: null };
    const cut = key.indexOf(':');
    const kind = OverlayKind.safeParse(key.slice(0, cut));
    return cut > 0 && kind.success && kind.data !== 'product' ? { kind: kind.data, id: key.slice(cut + 1) } : undefined;
  },
} as const;

/**
 * What a coupon overlay's `data` holds: the terms burst-api enforces on claims. Management
 * builds the overlay from this type; burst-api reads it with `CouponTerms.parse`.
 */
export const CouponTerms = z.object({
  id: z.uuid(),
  broadcastId: z.string().min(1).max(64),
  name: z.string(),
  discountType: z.enum(['percent', 'amount']),
  discountValue: z.number(),
  currency: z.string().nullable(),
  totalQuantity: z.number().int().positive(),
  perUserLimit: z.number().int().positive(),
  validFrom: z.iso.datetime({ offset: true }),
  validUntil: z.iso.datetime({ offset: true }),
  exposed: z.boolean(),
});
export type CouponTerms = z.infer<typeof CouponTerms>;

/** What an open poll's overlay `data` holds; burst-api counts votes against `options`. */
export const PollTerms = z.object({
  question: z.string(),
  options: z.array(z.string()).min(2).max(6),
});
export type PollTerms = z.infer<typeof PollTerms>;

/** An overlay appeared or went away; emitted by management-api after the change commits. */
export const OverlayChangedV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  action: z.enum(['show', 'hide']),
  key: z.string().min(1).max(80),
  /** present on show */
  overlay: Overlay.nullable(),
});
export type OverlayChangedV1 = z.infer<typeof OverlayChangedV1>;
