import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { FATE_TTL_SECONDS } from '@live/burst-data-access';
import { Bans } from '@live/management-bans';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { VoteDto } from './votes.dto';
import { VoteErrors } from './votes.errors';

// Atomic: the poll is this show's and open, the option exists, the viewer has not voted ->
// record the vote and count it.
const VOTE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOT_OPEN' end
local s = redis.call('HMGET', KEYS[1], 'broadcastId', 'open', 'options')
if s[1] ~= ARGV[3] or s[2] ~= '1' then return 'NOT_OPEN' end
if tonumber(ARGV[2]) >= tonumber(s[3]) then return 'BAD_OPTION' end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 'ALREADY_VOTED' end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
return 'OK'
`;

// Takes a vote back when the broker would not log it -- unless a reader of the log (analytics)
// already counted it: a failed publish is ambiguous, the event may be in the log all the same.
// Like a claim's give-back, it races the readers for the vote's fate key (SET NX): `void` here
// takes the vote back and the readers drop its event; `kept` there means it stands (201).
const UNVOTE = `
if not redis.call('SET', KEYS[4], 'void', 'NX', 'EX', ARGV[3]) then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
return 1
`;

type Run = { liveVote(...a: (string | number)[]): Promise<string>; liveUnvote(...a: (string | number)[]): Promise<number> };

@Injectable()
export class VotesService implements OnModuleInit {
  private readonly logger = new Logger(VotesService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly bans: Bans,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveVote', { numberOfKeys: 3, lua: VOTE });
    this.redis.client.defineCommand('liveUnvote', { numberOfKeys: 4, lua: UNVOTE });
  }

  /** 201 `{ voteId }`: one vote per viewer, only while the poll is open. */
  async vote(user: Principal, broadcastId: string, pollId: string, { option }: VoteDto): Promise<{ voteId: string }> {
    if (await this.bans.banned(broadcastId, user.sub)) throw VoteErrors.banned();
    const { keys, client } = this.redis;
    const run = client as unknown as Run;
    const args = [keys.poll.state(broadcastId, pollId), keys.poll.voters(broadcastId, pollId), keys.poll.tally(broadcastId, pollId)];
    const outcome = await run.liveVote(...args, user.sub, option, broadcastId);
    if (outcome === 'NOT_OPEN') throw VoteErrors.notOpen();
    if (outcome === 'BAD_OPTION') throw CommonErrors.validation('option', 'option: this poll has fewer options');
    if (outcome === 'ALREADY_VOTED') throw VoteErrors.alreadyVoted();
    const voteId = randomUUID();
    try {
      await this.kafka.publish(Topics.PollVoted, pollId, {
        eventId: voteId,
        occurredAt: new Date().toISOString(),
        voteId,
        broadcastId: broadcastId,
        pollId,
        userId: user.sub,
        option,
      });
    } catch (err) {
      const tookBack = await run.liveUnvote(...args, keys.poll.voteFate(broadcastId, voteId), user.sub, option, FATE_TTL_SECONDS);
      if (!tookBack) {
        this.logger.warn(`vote publish reported a failure but the vote was counted: it stands (${voteId})`);
        return { voteId };
      }
      this.logger.warn(`vote publish failed, taking it back: ${err instanceof Error ? err.message : err}`);
      throw VoteErrors.unavailable();
    }
    return { voteId };
  }
}
