import { ConfigClass, env, serviceEnv } from '@live/config';
import os from 'node:os';
import { z } from 'zod';

export const SERVICE = 'encoder-orchestrator';

const heights = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be heights such as 720,480,360')
  .transform((s) => s.split(',').map(Number));

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true, database: true }),
    PORT: env.port(3005),
    /** recordings, live HLS, replay work files and published replays live under it */
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
    // ---- live (issue 11)
    /** RTMP ingest: rtmp://<host>:<port>/live/<streamKey> */
    ENCODER_RTMP_PORT: env.port(1935),
    /** address the RTMP listener binds (0.0.0.0 to take pushes from other machines) */
    ENCODER_RTMP_HOST: z.string().min(1).default('127.0.0.1'),
    /** SRT ingest: one listener port per live-able show from this range (`from-to`); empty = no SRT */
    ENCODER_SRT_PORTS: z.string().regex(/^(\d+-\d+)?$/, 'must be a port range such as 10080-10099, or empty').default('10080-10099'),
    ENCODER_SRT_HOST: z.string().min(1).default('0.0.0.0'),
    /** SRT passphrases are derived from the stream key with this (management-api has the same) */
    ENCODER_SRT_SECRET: z.string().min(8).default('dev-only-srt-secret'),
    ENCODER_SRT_LATENCY_MS: env.positiveInt(120),
    /** how often the SRT listeners are matched to the active stream keys */
    ENCODER_SRT_RECONCILE_MS: env.positiveInt(2_000),
    /** live inputs one replica carries; past it a push is refused (encoder_ingest_refused_total{reason="capacity"}) */
    ENCODER_MAX_STREAMS: env.positiveInt(4),
    ENCODER_LADDER: heights.default([720, 480, 360]),
    ENCODER_FPS: env.positiveInt(30),
    /** live segment length (s); keyframes every 1 s in every rung */
    ENCODER_SEGMENT_SECONDS: env.positiveInt(1),
    /** LL-HLS: each segment is cut into this many parts (EXT-X-PART, blocking reload); 1 = no parts */
    ENCODER_LL_PARTS: env.positiveInt(3),
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
