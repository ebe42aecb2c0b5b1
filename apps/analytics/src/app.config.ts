import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'analytics';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true, database: true }),
    PORT: env.port(3004),
    /** how long after it happened an event may enter the log and still count in its window */
    ANALYTICS_LATENESS_MS: env.positiveInt(60_000),
    /** the live scoreboard's period */
    ANALYTICS_TICK_MS: env.positiveInt(1_000),
    /** counted event keys are kept this long (the replay horizon of the dedupe) */
    ANALYTICS_DEDUPE_RETENTION_MS: env.positiveInt(24 * 3600_000),
  }),
) {}
