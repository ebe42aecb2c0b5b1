import { ConfigClass, baseEnv, env, kafkaEnv, redisEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'message-api';

export class AppConfig extends ConfigClass(
  z.object({
    ...baseEnv,
    ...kafkaEnv,
    ...redisEnv,
    PORT: env.port(3001),
  }),
) {}
