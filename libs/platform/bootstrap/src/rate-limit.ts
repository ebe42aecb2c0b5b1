import { DynamicModule, ExecutionContext, Inject, Injectable, Module, UseGuards, applyDecorators } from '@nestjs/common';
import { Throttle, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { AppError } from '@live/errors';
import { RedisService } from '@live/redis';

/** A limit: `limit` hits per `seconds`, then refused for the rest of the window. */
export interface Limit {
  limit: number;
  seconds: number;
}

/**
 * `RATE_LIMIT_<NAME>` (e.g. `RATE_LIMIT_CHAT_IP=600/10`) overrides a route's default, read
 * when a request is checked; `0/1` turns that limit off.
 */
export function limitFromEnv(name: string, fallback: Limit): Limit {
  const raw = process.env[`RATE_LIMIT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
  const m = /^(\d+)\/(\d+)$/.exec(raw ?? '');
  return m ? { limit: Number(m[1]), seconds: Math.max(1, Number(m[2])) } : fallback;
}

type Req = { ip?: string; user?: { sub?: string }; socket?: { remoteAddress?: string }; raw?: { socket?: { remoteAddress?: string } } };
const ipOf = (req: Req) => req.ip ?? req.socket?.remoteAddress ?? req.raw?.socket?.remoteAddress ?? 'unknown';

/**
 * Per-user and per-IP limits on the public write paths, counted in Redis (the maintained
 * `@nest-lab/throttler-storage-redis` store: one EVAL per limit), so they hold across
 * replicas. Routes opt in with `@RateLimit(name, { user, ip })`; nothing else is limited.
 */
@Module({})
export class RateLimitModule {
  static forRoot(): DynamicModule {
    return {
      module: RateLimitModule,
      global: true,
      imports: [
        ThrottlerModule.forRootAsync({
          inject: [RedisService],
          useFactory: (redis: RedisService) => {
            // the limit in force is part of the key: a process started with other limits (a test,
            // a canary) never shares, nor inherits the block of, another's counter
            const key = (ctx: ExecutionContext, who: string, name: string) => {
              const route = Reflect.getMetadata('live:rate-limited', ctx.getHandler()) as string;
              const l = limitFromEnv(`${route}_${name}`, defaultsOf.get(route)?.[name as 'user' | 'ip'] ?? { limit: 0, seconds: 0 });
              return redis.keys.rateLimit(`${route}.${name}.${l.limit}-${l.seconds}`, who);
            };
            return {
              storage: new ThrottlerStorageRedisService(redis.client as never),
              // the routes say how much; these only name the two counters
              throttlers: [
                { name: 'user', limit: 0, ttl: 1_000, getTracker: (req: Req) => req.user?.sub ?? ipOf(req), generateKey: key },
                { name: 'ip', limit: 0, ttl: 1_000, getTracker: (req: Req) => ipOf(req), generateKey: key },
              ],
            };
          },
        }),
      ],
      providers: [RateLimitGuard, RateLimits],
      exports: [ThrottlerModule, RateLimitGuard, RateLimits],
    };
  }
}

/** The throttler's guard with our refusal: 429 `{ code: 'RATE_LIMITED' }` and `Retry-After`. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    // a route without @RateLimit has no limits of its own: skip (0 would mean "refuse all")
    return !Reflect.getMetadata('live:rate-limited', ctx.getHandler());
  }

  protected override async throwThrottlingException(_ctx: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.ttl / 1000));
    throw new AppError(429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return ipOf(req as Req);
  }
}

/**
 * A route's limits, per user (the signed-in `sub`, else the IP) and per IP, each overridable
 * with `RATE_LIMIT_<NAME>_USER` / `RATE_LIMIT_<NAME>_IP`. Put it after the auth guard.
 */
const defaultsOf = new Map<string, { user: Limit; ip: Limit }>();

export function RateLimit(name: string, defaults: { user: Limit; ip: Limit }) {
  defaultsOf.set(name, defaults);
  const resolve = (which: 'user' | 'ip') => {
    const get = () => limitFromEnv(`${name}_${which}`, defaults[which]);
    return {
      limit: () => get().limit || Number.MAX_SAFE_INTEGER,
      ttl: () => get().seconds * 1_000,
      blockDuration: () => get().seconds * 1_000,
    };
  };
  return applyDecorators(
    (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
      Reflect.defineMetadata('live:rate-limited', name, descriptor?.value ?? target);
    },
    Throttle({ user: resolve('user'), ip: resolve('ip') }),
    UseGuards(RateLimitGuard),
  );
}

/**
 * The same Redis counters for what is not an HTTP route (socket connects and joins): true
 * when `who` is over `limit`, with the seconds until it may try again.
 */
@Injectable()
export class RateLimits {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    private readonly redis: RedisService,
  ) {}

  async hit(what: string, who: string, limit: Limit): Promise<{ limited: boolean; retryAfter: number }> {
    if (!limit.limit) return { limited: false, retryAfter: 0 };
    const ms = limit.seconds * 1_000;
    const r = await this.storage.increment(this.redis.keys.rateLimit(`${what}.${limit.limit}-${limit.seconds}`, who), ms, limit.limit, ms, 'n');
    return { limited: r.isBlocked, retryAfter: Math.max(1, r.timeToBlockExpire) };
  }
}
