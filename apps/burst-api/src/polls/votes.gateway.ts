import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BurstSocketEvents, PollVoteAck } from '@live/contracts';
import { ackOf, expired, invalid, refusal } from '../realtime/ack';
import { BurstSocket, RealtimeServer } from '../realtime/realtime.server';
import { VoteDto, VoteParams } from './votes.dto';
import { VotesService } from './votes.service';

/**
 * Votes over burst-api's socket: `poll.vote` `{ broadcastId, pollId, option }`, acked
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
    this.realtime.handle((socket) => socket.on(BurstSocketEvents.PollVote, (message: unknown, ...rest: unknown[]) => this.vote(socket, message, ackOf(rest))));
  }

  private vote(socket: BurstSocket, message: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (a: PollVoteAck) => void;
    if (Date.now() >= socket.data.expiresAtMs) {
      reply(expired());
      socket.disconnect(true);
      return;
    }
    const { broadcastId, pollId, ...body } = (typeof message === 'object' && message !== null ? message : {}) as { broadcastId?: unknown; pollId?: unknown };
    const params = VoteParams.safeParse({ id: broadcastId, pollId });
    if (!params.success) {
      const r = invalid(params.error);
      reply(r.field === 'id' ? { ...r, field: 'broadcastId', message: r.message.replace(/^id:/, 'broadcastId:') } : r);
      return;
    }
    const dto = VoteDto.safeParse(body);
    if (!dto.success) {
      reply(invalid(dto.error));
      return;
    }
    this.votes.vote(socket.data.user, params.data.id, params.data.pollId, dto.data).then(
      (answer) => reply({ ok: true, ...answer }),
      (err: unknown) => reply(refusal(err, this.logger, 'poll.vote')),
    );
  }
}
