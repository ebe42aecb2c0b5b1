import { Injectable } from '@nestjs/common';
import { RedisService } from '@live/redis';

/** a fate outlives any delivery of its event: a week, longer than the topics keep them */
export const FATE_TTL_SECONDS = 7 * 24 * 3600;

// `kept` unless burst-api already voided the claim or vote (its publish failed and it gave the
// stock or the vote back). 1 = it stands, 0 = drop the event.
const KEEP = `
if redis.call('SET', KEYS[1], 'kept', 'NX', 'EX', ARGV[1]) then return 1 end
if redis.call('GET', KEYS[1]) == 'kept' then return 1 end
return 0
`;

type Run = { liveKeepFate(key: string, ttl: number): Promise<number> };

/**
 * The fate of a claim or vote whose event is in the log (burst-api writes the fates; their
 * keys stay private to this lib). A publish that failed is ambiguous: the event may be in the
 * log all the same while burst-api gave the stock or the vote back and answered 503. burst-api
 * marks such a claim or vote `void` (SET NX); whoever reads the event first -- burst-api's
 * claims consumer, analytics -- settles it `kept` unless it is already void, so every reader
 * agrees: a void event is dropped everywhere, and a kept one makes burst-api answer 201.
 * One single-key command per event (each in its show's cluster slot).
 */
@Injectable()
export class BurstFates {
  /**
   * The script is defined when the process builds this class, before any traffic. Not lazily at
   * its first use: with auto-pipelining, a command defined while a pipeline is already queued
   * is missing from that pipeline; ioredis then loses count of the pipeline's answers and never
   * sends the next one, and every later command of the process waits forever (it happened under
   * bench load: burst-api stopped answering hearts and claims until it was restarted).
   */
  constructor(private readonly redis: RedisService) {
    this.redis.client.defineCommand('liveKeepFate', { numberOfKeys: 1, lua: KEEP });
  }

  /** For each claim event, in order: true if it stands (now settled `kept`), false if voided. */
  settleClaims(claims: { broadcastId: string; claimId: string }[]): Promise<boolean[]> {
    return this.settle(claims.map((c) => this.redis.keys.coupon.claimFate(c.broadcastId, c.claimId)));
  }

  /** For each vote event, in order: true if it stands (now settled `kept`), false if voided. */
  settleVotes(votes: { broadcastId: string; voteId: string }[]): Promise<boolean[]> {
    return this.settle(votes.map((v) => this.redis.keys.poll.voteFate(v.broadcastId, v.voteId)));
  }

  private async settle(keys: string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const run = this.redis.client as unknown as Run;
    const kept = await Promise.all(keys.map((k) => run.liveKeepFate(k, FATE_TTL_SECONDS)));
    return kept.map((k) => k === 1);
  }
}
