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
    /** base of the replay URLs (HLS master and DASH MPD) of ended shows: encoder-orchestrator's /vod */
    REPLAY_BASE_URL: z.string().url().default('http://127.0.0.1:3005/vod'),
    /** coupon redemption attempts one API key may make per minute (codes must not be guessable by volume) */
    REDEEM_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    /** ms between webhook retries, comma-separated; the first attempt is immediate (default ~27 h in all) */
    WEBHOOK_RETRY_SCHEDULE_MS: z
      .string()
      .default('5000,300000,1800000,7200000,18000000,36000000,36000000')
      .transform((s) => s.split(',').map((x) => Number(x.trim())))
      .pipe(z.array(z.number().int().min(1)).min(1)),
    /** an endpoint failing without a single success for this long is disabled (default 24 h) */
    WEBHOOK_DISABLE_AFTER_MS: z.coerce.number().int().min(1).default(24 * 3600_000),
    /** a receiver gets this long to answer before the attempt counts as failed */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
    /** requests in flight to receivers at once, per process: slow receivers never pile up */
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).default(16),
    /** how often the delivery worker looks for due deliveries (ms); new events also wake it */
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1000),
    /**
     * SSRF: webhook URLs may not resolve to loopback, link-local or private addresses unless
     * their host (name or IP) is listed here, comma-separated; for local testing only
     */
    WEBHOOK_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)),
    /** how often the daily report checks whether yesterday (UTC) is reported yet (once per seller and day) */
    DAILY_REPORT_CHECK_MS: z.coerce.number().int().min(1000).default(10 * 60_000),
    /** seed a demo show with products, a coupon and a poll at start-up (npm run dev sets it) */
    SEED_DEMO: z.stringbool().default(false),
    /** how often live and scheduled shows missing from the Redis mirror (Redis lost its data) are written again */
    MIRROR_RECONCILE_MS: env.positiveInt(5_000),
  }),
) {}
