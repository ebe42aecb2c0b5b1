import { Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Overlay, OverlayKeys, PollTerms, Topics } from '@live/contracts';
import { PollEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { ManagementTx } from '../outbox/management-tx';
import { CreatePoll, pollView } from './polls.dto';

@Injectable()
export class PollsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly broadcasts: BroadcastsService,
    private readonly tx: ManagementTx,
  ) {}

  async create(user: Principal, broadcastId: string, dto: CreatePoll) {
    return this.tx.run(user, async ({ m, audit }) => {
      await this.broadcasts.getManaged(user, broadcastId, m);
      const id = randomUUID();
      await m.getRepository(PollEntity).insert({ id, broadcastId, question: dto.question, options: dto.options, status: 'draft', openedAt: null, closedAt: null });
      audit('poll.create', { type: 'poll', id, broadcastId }, { question: dto.question });
      return pollView(await m.getRepository(PollEntity).findOneByOrFail({ id }));
    });
  }

  async list(user: Principal, broadcastId: string) {
    await this.broadcasts.getManaged(user, broadcastId);
    return (await this.dataSource.getRepository(PollEntity).find({ where: { broadcastId }, order: { createdAt: 'ASC' } })).map(pollView);
  }

  /** draft -> open -> closed; anything else is 409. */
  async transition(user: Principal, broadcastId: string, pollId: string, to: 'open' | 'closed') {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      const b = await this.broadcasts.getManaged(user, broadcastId, m);
      const p = await m.getRepository(PollEntity).findOne({ where: { id: pollId, broadcastId }, lock: { mode: 'pessimistic_write' } });
      if (!p) throw CommonErrors.notFound('poll', 'pollId');
      const legal = (p.status === 'draft' && to === 'open') || (p.status === 'open' && to === 'closed');
      if (!legal) throw ManagementErrors.illegalTransition('poll', p.status, to);
      if (to === 'open' && b.status === 'ended') throw ManagementErrors.conflict('BROADCAST_ENDED', 'the show has ended', 'id');
      const now = new Date();
      p.status = to;
      if (to === 'open') p.openedAt = now;
      else p.closedAt = now;
      await m.getRepository(PollEntity).update({ id: p.id }, { status: p.status, openedAt: p.openedAt, closedAt: p.closedAt });
      const key = OverlayKeys.poll(p.id);
      if (to === 'open') {
        const overlay: Overlay = { key, kind: 'poll', id: p.id, data: { question: p.question, options: p.options } satisfies PollTerms, expiresAt: null, shownAt: now.toISOString() };
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'show', key, overlay });
      } else {
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'hide', key, overlay: null });
      }
      audit(to === 'open' ? 'poll.open' : 'poll.close', { type: 'poll', id: p.id, broadcastId });
      return pollView(p);
    });
  }
}
