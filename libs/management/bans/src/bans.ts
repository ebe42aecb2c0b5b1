import { Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { RedisService } from '@live/redis';

/** how often each process re-reads the platform-wide bans */
export const GLOBAL_BANS_REFRESH_MS = 1_000;
/** a copy older than this (Redis unreachable meanwhile) is not trusted: checks read Redis */
export const GLOBAL_BANS_MAX_AGE_MS = 3 * GLOBAL_BANS_REFRESH_MS;

/** A mirrored ban value: epoch ms it ends, `0` for no end, absent for no ban. */
export function banActive(until: string | null | undefined, now: number): boolean {
  return until !== null && until !== undefined && (until === '0' || Number(until) > now);
}

/**
 * The one ban check, for every app that refuses banned viewers (chat lines, hearts, coupon
 * claims, votes). management-api owns the bans: its mirror consumer writes them into Redis
 * from its own moderation events; others read them only through this class.
 *
 * Two kinds, kept apart so that no per-show script or MULTI touches a platform-wide key
 * (on a Redis Cluster that would be CROSSSLOT):
 * - a show's bans: a hash in the show's hash slot, read with the show's other keys;
 * - platform-wide bans: one hash, copied into each process every GLOBAL_BANS_REFRESH_MS.
 *   A global ban (or unban) therefore takes effect within about a second of the mirror
 *   writing it; if the copy could not be refreshed for GLOBAL_BANS_MAX_AGE_MS, each check
 *   reads Redis instead, so staleness is bounded whatever happens. The copy is one HGETALL
 *   per second per process: sized for up to tens of thousands of platform bans.
 * burst-api's hearts script checks the show's bans inside its one round trip (same rule as
 * `banActive`) and gets the platform-wide answer from `globallyBanned` as an argument.
 */
@Injectable()
export class Bans implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Bans.name);
  private global = new Map<string, string>();
  private loadedAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly redis: RedisService) {}

  async onModuleInit(): Promise<void> {
    await this.refresh().catch((err: Error) => this.logger.warn(`global bans: ${err.message} (checks read Redis until a refresh succeeds)`));
    this.timer = setInterval(() => void this.refresh().catch((err: Error) => this.logger.warn(`global bans: ${err.message}`)), GLOBAL_BANS_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Re-reads the platform-wide bans (the timer calls it; tests may too). */
  async refresh(): Promise<void> {
    const startedAt = Date.now();
    const all = await this.redis.client.hgetall(this.redis.keys.globalBans());
    this.global = new Map(Object.entries(all));
    this.loadedAt = startedAt;
  }

  /** Banned from every show? From the process's copy while it is fresh, else from Redis. */
  async globallyBanned(userId: string, now = Date.now()): Promise<boolean> {
    return this.globallyBannedFromCopy(userId, now) ?? banActive(await this.redis.client.hget(this.redis.keys.globalBans(), userId), now);
  }

  /**
   * The same answer from the process copy alone, without a promise (a hot path's check);
   * `undefined` when the copy is too old to answer, and `globallyBanned` must ask Redis.
   */
  globallyBannedFromCopy(userId: string, now = Date.now()): boolean | undefined {
    return now - this.loadedAt <= GLOBAL_BANS_MAX_AGE_MS ? banActive(this.global.get(userId), now) : undefined;
  }

  /** Banned from this show, or from every show. */
  async banned(broadcastId: string, userId: string, now = Date.now()): Promise<boolean> {
    const [showBan, global] = await Promise.all([
      this.redis.client.hget(this.redis.keys.broadcast.bans(broadcastId), userId),
      this.globallyBanned(userId, now),
    ]);
    return banActive(showBan, now) || global;
  }
}

/** Import it where a feature checks bans: one `Bans` (one refresh timer) per app. */
@Module({ providers: [Bans], exports: [Bans] })
export class BansModule {}
