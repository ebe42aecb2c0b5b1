import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { AppError, CommonErrors } from '@live/app';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { Bans } from '@live/management-bans';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHOW_ID = /^[A-Za-z0-9-]{1,64}$/;

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

// Takes a vote back when the broker would not log it.
const UNVOTE = `
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
return 1
`;

type Run = { liveVote(...a: (string | number)[]): Promise<string>; liveUnvote(...a: (string | number)[]): Promise<number> };

@Injectable()
export class VotesService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(VotesService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly bans: Bans,
  ) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveVote', { numberOfKeys: 3, lua: VOTE });
    this.redis.client.defineCommand('liveUnvote', { numberOfKeys: 3, lua: UNVOTE });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { keys } = this.redis;
    // polls management opens and closes: open or not, and how many options
    await this.kafka
      .createConsumer({
        groupId: 'burst-api.polls',
        topics: [Topics.OverlayChanged],
        handleBatch: async (events) => {
          const tx = this.redis.multiPerSlot();
          for (const { value } of events) {
            if (!value.key.startsWith('poll:')) continue;
            const pollId = value.key.slice('poll:'.length);
            const state = keys.poll.state(value.broadcastId, pollId);
            tx.sadd(keys.broadcast.polls(value.broadcastId), pollId);
            if (value.action === 'show' && value.overlay) {
              const options = (value.overlay.data as { options: string[] }).options.length;
              tx.hset(state, { broadcastId: value.broadcastId, open: '1', options: String(options) });
            } else {
              tx.hset(state, 'open', '0');
            }
          }
          await tx.exec();
        },
      })
      .start();
  }

  /** 201 `{ voteId }`: one vote per viewer, only while the poll is open. */
  async vote(user: Principal, showId: string, pollId: string, body: unknown): Promise<{ voteId: string }> {
    if (!SHOW_ID.test(showId)) throw CommonErrors.validation('id', 'id: must be a broadcast id');
    if (!UUID.test(pollId)) throw CommonErrors.validation('pollId', 'pollId: must be a UUID');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw CommonErrors.validation('body', 'the body must be a JSON object');
    const { option, ...rest } = body as Record<string, unknown>;
    const unknownField = Object.keys(rest)[0];
    if (unknownField) throw CommonErrors.validation(unknownField, `${unknownField}: not a field of a vote`);
    if (typeof option !== 'number' || !Number.isInteger(option) || option < 0 || option > 5) {
      throw CommonErrors.validation('option', 'option: the index of one of the poll options (0-5)');
    }
    if (await this.bans.banned(showId, user.sub)) throw new AppError(403, 'BANNED', 'you are banned from this show');
    const { keys, client } = this.redis;
    const run = client as unknown as Run;
    const args = [keys.poll.state(showId, pollId), keys.poll.voters(showId, pollId), keys.poll.tally(showId, pollId)];
    const outcome = await run.liveVote(...args, user.sub, option, showId);
    if (outcome === 'NOT_OPEN') throw new AppError(409, 'POLL_NOT_OPEN', 'the poll is not open', 'pollId');
    if (outcome === 'BAD_OPTION') throw CommonErrors.validation('option', 'option: this poll has fewer options');
    if (outcome === 'ALREADY_VOTED') throw new AppError(409, 'ALREADY_VOTED', 'you already voted in this poll', 'pollId');
    const voteId = randomUUID();
    try {
      await this.kafka.publish(Topics.PollVoted, pollId, {
        eventId: voteId,
        occurredAt: new Date().toISOString(),
        voteId,
        broadcastId: showId,
        pollId,
        userId: user.sub,
        option,
      });
    } catch (err) {
      this.logger.warn(`vote publish failed, taking it back: ${err instanceof Error ? err.message : err}`);
      await run.liveUnvote(...args, user.sub, option);
      throw new AppError(503, 'BROKER_UNAVAILABLE', 'votes are briefly unavailable; try again', undefined, { 'Retry-After': '1' });
    }
    return { voteId };
  }
}
