import { z } from 'zod';
import { BroadcastLifecycleV1 } from './events/broadcast';
import { ChatAcceptedV1, ChatWindowSampledV1 } from './events/chat';
import { BroadcastChatSettingsV1 } from './events/chat-settings';
import { CouponClaimedV1, HeartsTappedV1, HeartsTappedV2, PollVotedV1 } from './events/burst';
import { CommerceDailyReportV1, CouponRedeemedV1 } from './events/commerce';
import { ModerationActionV1 } from './events/moderation';
import { OverlayChangedV1 } from './events/overlay';
import { EncoderReplayProgressV1 } from './events/encoder-replay';
import { ViewerPresenceV1 } from './events/presence';
import { EncoderIngestChangedV1, EncoderStreamHealthV1, StreamKeyRotatedV1 } from './events/encoder';

/**
 * Kafka topics, `<domain>.<entity>.<event>.v<N>`. A payload change is a new topic version,
 * never an edit of an existing schema. Each has a dead-letter twin `<topic>.dlt`.
 */
export const Topics = {
  ChatAccepted: 'chat.message.accepted.v1',
  BroadcastLifecycle: 'broadcast.lifecycle.changed.v1',
  OverlayChanged: 'broadcast.overlay.changed.v1',
  ModerationAction: 'moderation.action.taken.v1',
  ChatSettings: 'broadcast.chat-settings.changed.v1',
  /** a record per heart batch: no longer written (v2 is); analytics still reads it, for records older replicas wrote during an upgrade */
  HeartsTapped: 'burst.hearts.tapped.v1',
  /** a record per show and few ms of a burst-api process, holding its batches (what burst-api writes) */
  HeartsTappedV2: 'burst.hearts.tapped.v2',
  CouponClaimed: 'burst.coupon.claimed.v1',
  PollVoted: 'burst.poll.voted.v1',
  ChatSampled: 'chat.window.sampled.v1',
  ViewerPresence: 'presence.viewer.changed.v1',
  EncoderReplayProgress: 'encoder.replay.progress.v1',
  EncoderIngest: 'encoder.ingest.changed.v1',
  EncoderHealth: 'encoder.stream.health.v1',
  StreamKeyRotated: 'broadcast.stream-key.rotated.v1',
  CouponRedeemed: 'commerce.coupon.redeemed.v1',
  DailyReport: 'commerce.report.daily.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const TopicSchemas = {
  [Topics.ChatAccepted]: ChatAcceptedV1,
  [Topics.BroadcastLifecycle]: BroadcastLifecycleV1,
  [Topics.OverlayChanged]: OverlayChangedV1,
  [Topics.ModerationAction]: ModerationActionV1,
  [Topics.ChatSettings]: BroadcastChatSettingsV1,
  [Topics.HeartsTapped]: HeartsTappedV1,
  [Topics.HeartsTappedV2]: HeartsTappedV2,
  [Topics.CouponClaimed]: CouponClaimedV1,
  [Topics.PollVoted]: PollVotedV1,
  [Topics.ChatSampled]: ChatWindowSampledV1,
  [Topics.ViewerPresence]: ViewerPresenceV1,
  [Topics.EncoderReplayProgress]: EncoderReplayProgressV1,
  [Topics.EncoderIngest]: EncoderIngestChangedV1,
  [Topics.EncoderHealth]: EncoderStreamHealthV1,
  [Topics.StreamKeyRotated]: StreamKeyRotatedV1,
  [Topics.CouponRedeemed]: CouponRedeemedV1,
  [Topics.DailyReport]: CommerceDailyReportV1,
} as const satisfies Record<TopicName, z.ZodType>;

export type TopicPayloads = { [T in TopicName]: z.infer<(typeof TopicSchemas)[T]> };

export const allTopics = (): TopicName[] => Object.values(Topics);

export const deadLetterTopic = (topic: string): string => `${topic}.dlt`;

/** Headers carried on every record. */
export const KafkaHeaders = {
  CorrelationId: 'x-correlation-id',
  EventType: 'x-event-type',
  DeadLetterReason: 'x-dlt-reason',
  DeadLetterSourceTopic: 'x-dlt-source-topic',
  DeadLetterSourcePartition: 'x-dlt-source-partition',
  DeadLetterSourceOffset: 'x-dlt-source-offset',
  DeadLetterGroup: 'x-dlt-group',
} as const;
