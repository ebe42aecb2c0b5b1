import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'message-processor';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true, database: true }),
    PORT: env.port(3006),
    /** a show's window: lines that arrive within it go out as one chat.batch */
    CHAT_WINDOW_MS: env.positiveInt(100),
    /** ...or fewer, when this many lines of one show are there first */
    CHAT_WINDOW_MAX_LINES: env.positiveInt(200),
    /** lines per second a room shows before sampling; a show's chat settings override it */
    CHAT_DISPLAY_BUDGET: env.positiveInt(30),
    /** stream entries kept per show for join snapshots and reconnect resync */
    CHAT_LOG_MAXLEN: env.positiveInt(20_000),
    /** false: every line is broadcast on its own (the benchmark's baseline), no windows */
    CHAT_BATCHING: z.stringbool().default(true),
  }),
) {}
