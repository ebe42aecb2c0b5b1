import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'message-api';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true }),
    PORT: env.port(3001),
    /** words masked with * in chat, comma-separated, case-insensitive */
    CHAT_MASKED_WORDS: z.string().default('badword,scam'),
    /** per viewer and show: lines per second, and how many may come at once */
    CHAT_RATE_PER_SECOND: env.positiveInt(1),
    CHAT_RATE_BURST: env.positiveInt(3),
  }),
) {}
