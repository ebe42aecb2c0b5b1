import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'management-api';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true, database: true }),
    PORT: env.port(3000),
    /** where sellers point OBS; the show's stream key goes with it */
    RTMP_INGEST_URL: z.string().url().default('rtmp://127.0.0.1:1935/live'),
    /** SRT ingest host (the encoder's listener ports come from ENCODER_SRT_PORTS); empty = no SRT URL shown */
    SRT_INGEST_HOST: z.string().default('127.0.0.1'),
    /** the same secret as encoder-orchestrator's ENCODER_SRT_SECRET (SRT passphrases derive from it) */
    SRT_SECRET: z.string().min(8).default('dev-only-srt-secret'),
    /** base of the live HLS playback URLs: encoder-orchestrator's origin (or the CDN in front of it) */
    PLAYBACK_BASE_URL: z.string().url().default('http://127.0.0.1:3005/live'),
    /** seed a demo show with products, a coupon and a poll at start-up (npm run dev sets it) */
    SEED_DEMO: z.stringbool().default(false),
  }),
) {}
