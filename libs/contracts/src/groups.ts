/**
 * Kafka consumer groups, one per job. A group is the unit a transport handler is keyed by
 * (`@EventPattern(Groups.X, { topics })`): one group may read several topics, and two apps
 * never share a group. Names are `<app>.<job>`; the topic prefix is applied by the platform.
 */
export const Groups = {
  ChatDelivery: 'message-processor.delivery',
  ChatModeration: 'message-processor.moderation',
  ManagementMirror: 'management-api.redis-mirror',
  RealtimeOverlays: 'ws-gateway.overlays',
  BurstOverlays: 'burst-api.overlays',
  BurstClaims: 'burst-api.claims',
  BurstShowEnd: 'burst-api.show-end',
  AnalyticsAggregate: 'analytics.aggregate',
  EncoderReplay: 'encoder-orchestrator.replay',
  /** per replica: each carries its own live shows */
  EncoderLive: 'encoder-orchestrator.live',
  ManagementStreamKeys: 'management-api.stream-key-mirror',
  /** won claims get their coupon codes, votes a viewer can list */
  ManagementCommerce: 'management-api.commerce',
  /** events turned into webhook deliveries (the outbox the delivery worker sends from) */
  ManagementWebhooks: 'management-api.webhooks',
  /** per replica: each keeps the latest health of every stream */
  AnalyticsStreamHealth: 'analytics.stream-health',
} as const;

export type GroupName = (typeof Groups)[keyof typeof Groups];
