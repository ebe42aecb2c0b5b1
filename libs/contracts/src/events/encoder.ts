import { z } from 'zod';
import { EventEnvelope } from './envelope';

/** Why encoder-orchestrator refused or dropped an ingest (also the `reason` label of `encoder_ingest_refused_total`). */
export const IngestRefusal = z.enum(['no_key', 'wrong_key', 'show_ended', 'capacity', 'duplicate', 'unsupported_codec', 'no_video', 'too_large', 'stalled']);
export type IngestRefusal = z.infer<typeof IngestRefusal>;

/** A seller's encoder connected, disconnected, or was refused; keyed by broadcastId (null when the key matched no show). */
export const EncoderIngestChangedV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64).nullable(),
  state: z.enum(['connected', 'disconnected', 'refused']),
  reason: IngestRefusal.nullable(),
  /** the ingest session number of the show (part-NNN of the recording), when there is one */
  session: z.number().int().min(0).nullable(),
  replica: z.string().min(1).max(128),
  at: z.iso.datetime(),
});
export type EncoderIngestChangedV1 = z.infer<typeof EncoderIngestChangedV1>;

/** Health of one live input, sampled every few seconds while it is connected. */
export const StreamHealth = z.object({
  inputBitrateKbps: z.number().min(0),
  fps: z.number().min(0),
  keyframeIntervalSeconds: z.number().min(0).nullable(),
  droppedFrames: z.number().int().min(0),
  /** encoder speed: 1 = realtime; under 1 the ladder falls behind */
  speed: z.number().min(0),
  width: z.number().int().min(0),
  height: z.number().int().min(0),
});
export type StreamHealth = z.infer<typeof StreamHealth>;

export const EncoderStreamHealthV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  session: z.number().int().min(0),
  health: StreamHealth,
  at: z.iso.datetime(),
});
export type EncoderStreamHealthV1 = z.infer<typeof EncoderStreamHealthV1>;

/**
 * A show's stream key was created or rotated (management-api, through its outbox). Carries no
 * secret: management's own mirror reads the key from its database and writes the Redis lookup.
 */
export const StreamKeyRotatedV1 = EventEnvelope.extend({
  broadcastId: z.string().min(1).max(64),
  sellerId: z.string().min(1).max(128),
  rotatedAt: z.iso.datetime(),
});
export type StreamKeyRotatedV1 = z.infer<typeof StreamKeyRotatedV1>;
