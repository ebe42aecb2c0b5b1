import { ConfigClass, baseEnv, databaseEnv, env, kafkaEnv, redisEnv } from '@live/config';
import os from 'node:os';
import { z } from 'zod';

export const SERVICE = 'encoder-orchestrator';

const heights = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be heights such as 720,480,360')
  .transform((s) => s.split(',').map(Number));

export class AppConfig extends ConfigClass(
  z.object({
    ...baseEnv,
    ...kafkaEnv,
    ...redisEnv,
    ...databaseEnv,
    PORT: env.port(3005),
    /** recordings, live HLS and work files (recordings/<broadcastId>/ is shared with replay) */
    ENCODER_STORAGE_DIR: z.string().min(1).default('.data/encoder'),
    // ---- live (issue 11)
    /** RTMP ingest: rtmp://<host>:<port>/live/<streamKey> */
    ENCODER_RTMP_PORT: env.port(1935),
    /** address the RTMP listener binds (0.0.0.0 to take pushes from other machines) */
    ENCODER_RTMP_HOST: z.string().min(1).default('127.0.0.1'),
    /** live inputs one replica carries; past it a push is refused (encoder_ingest_refused_total{reason="capacity"}) */
    ENCODER_MAX_STREAMS: env.positiveInt(4),
    ENCODER_FFMPEG: z.string().min(1).default('ffmpeg'),
    ENCODER_LADDER: heights.default([720, 480, 360]),
    ENCODER_FPS: env.positiveInt(30),
    ENCODER_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
    /** live segment length (s); keyframes every 1 s in every rung */
    ENCODER_SEGMENT_SECONDS: env.positiveInt(1),
    /** an encoder back within this window continues the same playlists (after a discontinuity) */
    ENCODER_RECONNECT_GRACE_MS: env.positiveInt(30_000),
    /** inputs larger than this are refused (4K) */
    ENCODER_MAX_INPUT_WIDTH: env.positiveInt(1920),
    ENCODER_MAX_INPUT_HEIGHT: env.positiveInt(1080),
    /** no new frame for this long while connected: logged and counted as a stall */
    ENCODER_STALL_MS: env.positiveInt(5_000),
    /** names this replica in ingest events and its Kafka consumer groups */
    ENCODER_REPLICA_ID: z.string().regex(/^[a-zA-Z0-9._-]+$/, 'must be letters, digits, . _ -').default(os.hostname().replace(/[^a-zA-Z0-9._-]/g, '-')),
  }),
) {}
