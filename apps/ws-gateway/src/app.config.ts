import { ConfigClass, baseEnv, env, kafkaEnv, redisEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'ws-gateway';

export class AppConfig extends ConfigClass(
  z.object({
    ...baseEnv,
    ...kafkaEnv,
    ...redisEnv,
    PORT: env.port(3002),
  }),
) {}
