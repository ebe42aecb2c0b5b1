import { z } from 'zod';
import { EventEnvelope } from './envelope';

export const OverlayKind = z.enum(['product', 'coupon', 'notice', 'poll']);
export type OverlayKind = z.infer<typeof OverlayKind>;

/**
 * What viewers see on top of the video. `key` identifies the slot: `pin` for the pinned
 * product (one at a time), `coupon:<id>`, `notice:<id>`, `poll:<id>`.
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

/** An overlay appeared or went away; emitted by management-api after the change commits. */
export const OverlayChangedV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  action: z.enum(['show', 'hide']),
  key: z.string().min(1).max(80),
  /** present on show */
  overlay: Overlay.nullable(),
});
export type OverlayChangedV1 = z.infer<typeof OverlayChangedV1>;
