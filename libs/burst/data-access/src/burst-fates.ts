import { Injectable } from '@nestjs/common';
import { RedisService } from '@live/redis';

/** a fate outlives any delivery of its event: a week, longer than the topics keep them */
export const FATE_TTL_SECONDS = 7 * 24 * 3600;

// Per key, in order: `kept` unless burst-api already voided the claim or vote (its publish failed
// and it gave the stock or the vote back). 1 = it stands, 0 = drop the event. The keys of one call
// are one show's (its cluster slot).
const KEEP = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, 'kept', 'NX', 'EX', ARGV[1]) or redis.call('GET', key) == 'kept' then out[i] = 1 else out[i] = 0 end
end
return out
`;

/** Keys settled in one script call at most: Redis runs one call at a time, and a drop's batch can be thousands. */
const MAX_KEYS_PER_CALL = 256;

type Run = { liveKeepFates(...args: (string | number)[]): Promise<number[]> };

/**
 * The fate of a claim or vote whose event is in the log (burst-api writes the fates; their
 * keys stay private to this lib). A publish that failed is ambiguous: the event may be in the
 * log all the same while burst-api gave the stock or the vote back and answered 503. burst-api
 * marks such a claim or vote `void` (SET NX); whoever reads the event first -- burst-api's
 * claims consumer, analytics -- settles it `kept` unless it is already void, so every reader
 * agrees: a void event is dropped everywhere, and a kept one makes burst-api answer 201.
 * One script call per show and up to MAX_KEYS_PER_CALL events (a show's keys share its cluster
 * slot), not one per event: a coupon drop's claims come to the consumer a thousand at a time.
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
    // no numberOfKeys: each call passes its own count
    this.redis.client.defineCommand('liveKeepFates', { lua: KEEP });
  }

  /** For each claim event, in order: true if it stands (now settled `kept`), false if voided. */
  settleClaims(claims: { broadcastId: string; claimId: string }[]): Promise<boolean[]> {
    return this.settle(claims.map((c) => ({ show: c.broadcastId, key: this.redis.keys.coupon.claimFate(c.broadcastId, c.claimId) })));
  }

  /** For each vote event, in order: true if it stands (now settled `kept`), false if voided. */
  settleVotes(votes: { broadcastId: string; voteId: string }[]): Promise<boolean[]> {
    return this.settle(votes.map((v) => ({ show: v.broadcastId, key: this.redis.keys.poll.voteFate(v.broadcastId, v.voteId) })));
  }

  private async settle(fates: { show: string; key: string }[]): Promise<boolean[]> {
    const run = this.redis.client as unknown as Run;
    const kept = new Array<boolean>(fates.length);
    // each show's events, in order, in calls of at most MAX_KEYS_PER_CALL keys
    const byShow = new Map<string, number[]>();
    fates.forEach((f, i) => (byShow.get(f.show) ?? byShow.set(f.show, []).get(f.show)!).push(i));
    const calls: Promise<void>[] = [];
    for (const indexes of byShow.values()) {
      for (let from = 0; from < indexes.length; from += MAX_KEYS_PER_CALL) {
        const part = indexes.slice(from, from + MAX_KEYS_PER_CALL);
        calls.push(
          run.liveKeepFates(part.length, ...part.map((i) => fates[i].key), FATE_TTL_SECONDS).then((out) => {
            part.forEach((i, k) => (kept[i] = out[k] === 1));
          }),
        );
      }
    }
    await Promise.all(calls);
    return kept;
  }
}
