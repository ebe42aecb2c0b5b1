import { ConfigClass, baseEnv, databaseEnv, env, kafkaEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'encoder-orchestrator';

export class AppConfig extends ConfigClass(
  z.object({
    ...baseEnv,
    ...kafkaEnv,
    ...databaseEnv,
    PORT: env.port(3005),
  }),
) {}
