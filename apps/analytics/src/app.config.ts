import { ConfigClass, baseEnv, databaseEnv, env, kafkaEnv, redisEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'analytics';

export class AppConfig extends ConfigClass(
  z.object({
    ...baseEnv,
    ...kafkaEnv,
    ...redisEnv,
    ...databaseEnv,
    PORT: env.port(3004),
  }),
) {}
