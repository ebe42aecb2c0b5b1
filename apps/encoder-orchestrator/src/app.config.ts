import { ConfigClass, baseEnv, databaseEnv, env, kafkaEnv, redisEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'encoder-orchestrator';

export class AppConfig extends ConfigClass(
  z.object({
    ...baseEnv,
    ...kafkaEnv,
    ...redisEnv,
    ...databaseEnv,
    PORT: env.port(3005),
    /** recordings, replay work files and published replays live under it */
    ENCODER_STORAGE_DIR: z.string().min(1).default('.data/encoder'),
    // --- replay (issue 12)
    /** replay jobs one replica runs at once; the rest wait in the queue */
    ENCODER_MAX_CONCURRENT_JOBS: env.positiveInt(1),
    /** a replica holds a job this long per heartbeat; a dead replica's job is taken over after it */
    ENCODER_JOB_LEASE_MS: env.positiveInt(30_000),
    ENCODER_JOB_POLL_MS: env.positiveInt(1_000),
    /** one step (one tool run) may not take longer ... */
    ENCODER_STEP_TIMEOUT_MS: env.positiveInt(3 * 3600_000),
    /** ... nor stay silent longer (a hung ffmpeg) */
    ENCODER_STEP_STALL_MS: env.positiveInt(120_000),
    ENCODER_STEP_MAX_ATTEMPTS: env.positiveInt(3),
    /** first retry after this, doubling */
    ENCODER_STEP_RETRY_BACKOFF_MS: env.positiveInt(2_000),
    /** the quality each rung must reach, on VMAF's 0..100 scale */
    ENCODER_REPLAY_QUALITY_TARGET: z.coerce.number().min(1).max(100).default(93),
    ENCODER_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
    ENCODER_FFMPEG: z.string().min(1).default('ffmpeg'),
    ENCODER_FFPROBE: z.string().min(1).default('ffprobe'),
    /** an ffmpeg built with libvmaf; empty = the npm @ffmpeg-installer/linux-x64 one if installed */
    ENCODER_VMAF_FFMPEG: z.string().default(''),
    /**
     * Netflix's vmaf_v0.6.1.pkl model (BSD-2-Clause-Patent, from the vmaf project; not shipped
     * here). Empty or missing: rungs are scored with SSIM mapped onto VMAF's scale.
     */
    ENCODER_VMAF_MODEL: z.string().default(''),
    /** seconds a chat line stays on screen in the replay */
    ENCODER_CHAT_CUE_SECONDS: env.positiveInt(5),
    /** largest accepted upload for POST /v1/replays, bytes */
    ENCODER_UPLOAD_MAX_BYTES: env.positiveInt(4 * 1024 ** 3),
  }),
) {}
