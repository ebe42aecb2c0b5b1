import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Principal } from '@live/auth';
import { BurstSocketEvents, PollVoteAck } from '@live/contracts';
import { invalid, invalidParams, refusal } from '../realtime/ack';
import { RealtimeServer } from '../realtime/realtime.server';
import { VoteDto, VoteParams } from './votes.dto';
import { VotesService } from './votes.service';

/**
 * Votes over burst-api's socket channels: `poll.vote` `{ broadcastId, pollId, option }`, acked
 * `{ ok: true, voteId }` or a refusal with the HTTP route's code. Same service: one vote per
 * viewer and poll (ALREADY_VOTED), in the log before the ack, whichever channel it came by.
 * No pace limit of its own: a viewer has one vote per poll.
 */
@Injectable()
export class VotesGateway implements OnModuleInit {
  private readonly logger = new Logger(VotesGateway.name);

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly votes: VotesService,
  ) {}

  onModuleInit(): void {
    this.realtime.on(BurstSocketEvents.PollVote, (user, message) => this.vote(user, message));
  }

  private vote(user: Principal, message: unknown): PollVoteAck | Promise<PollVoteAck> {
    const { broadcastId, pollId, ...body } = (typeof message === 'object' && message !== null ? message : {}) as { broadcastId?: unknown; pollId?: unknown };
    const params = VoteParams.safeParse({ id: broadcastId, pollId });
    if (!params.success) return invalidParams(params.error);
    const dto = VoteDto.safeParse(body);
    if (!dto.success) return invalid(dto.error);
    return this.votes.vote(user, params.data.id, params.data.pollId, dto.data).then(
      (answer): PollVoteAck => ({ ok: true, ...answer }),
      (err: unknown) => refusal(err, this.logger, 'poll.vote'),
    );
  }
}
