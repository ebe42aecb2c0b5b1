import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'ws-gateway';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true }),
    PORT: env.port(3002),
    /** viewers may watch without a token (they cannot chat or tap without one) */
    WS_ALLOW_ANONYMOUS: z.stringbool().default(true),
    /** allowed browser origins, comma-separated, or * */
    WS_CORS_ORIGIN: z.string().default('*'),
  }),
) {}
