import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'management-api';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true, database: true }),
    PORT: env.port(3000),
    /** where sellers point OBS; the show's stream key goes with it */
    RTMP_INGEST_URL: z.string().url().default('rtmp://127.0.0.1:1935/live'),
    /** base of the live HLS playback URLs: encoder-orchestrator's origin (or the CDN in front of it) */
    PLAYBACK_BASE_URL: z.string().url().default('http://127.0.0.1:3005/live'),
    /** seed a demo show with products, a coupon and a poll at start-up (npm run dev sets it) */
    SEED_DEMO: z.stringbool().default(false),
    /** how often live and scheduled shows missing from the Redis mirror (Redis lost its data) are written again */
    MIRROR_RECONCILE_MS: env.positiveInt(5_000),
  }),
) {}
