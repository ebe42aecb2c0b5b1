import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'burst-api';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true, database: true }),
    PORT: env.port(3003),
    /** taps per second of a batch's span a person can plausibly make */
    HEARTS_MAX_TAPS_PER_SECOND: env.positiveInt(15),
    /** implausible batches a viewer may send in a minute before it is throttled (429) */
    HEARTS_MAX_STRIKES: env.positiveInt(5),
    /**
     * how often heart batches the log did not take (a broker outage) are published again, so
     * analytics gets them within its allowed lateness (60 s), not only at the show-end flush
     */
    HEARTS_RELOG_EVERY_MS: env.positiveInt(3_000),
  }),
) {}
