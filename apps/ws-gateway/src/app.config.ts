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
    /** a socket.io message larger than this closes its socket (joins and leaves are tiny) */
    WS_MAX_MESSAGE_BYTES: env.positiveInt(16 * 1024),
    /** show rooms one socket may be in at once */
    WS_MAX_ROOMS_PER_SOCKET: env.positiveInt(10),
    /** open sockets per client IP on one gateway process (a load test from one host needs many) */
    WS_MAX_SOCKETS_PER_IP: env.positiveInt(10_000),
  }),
) {}
