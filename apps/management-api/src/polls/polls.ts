import { Body, Controller, Get, HttpCode, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommonErrors } from '@live/app';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Overlay, Topics } from '@live/contracts';
import { PollEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { IdParam, Dto, ZodPipe, openApiSchema, v } from '../common/validation';
import { ManagementTx } from '../outbox/management-tx';

export const CreatePoll = z
  .object({
    question: v.text(200),
    options: z.array(v.text(80), { error: 'must be a list of 2 to 6 texts' }).min(2, 'needs 2 to 6 options').max(6, 'needs 2 to 6 options'),
  })
  .strict()
  .refine((p) => new Set(p.options).size === p.options.length, { message: 'must not repeat an option', path: ['options'] });
export type CreatePoll = z.infer<typeof CreatePoll>;

const PollParams = z.object({ id: v.uuid(), pollId: v.uuid('pollId') });
type PollParams = z.infer<typeof PollParams>;

const pollView = (p: PollEntity) => ({
  id: p.id,
  broadcastId: p.broadcastId,
  question: p.question,
  options: p.options,
  status: p.status,
  openedAt: p.openedAt?.toISOString() ?? null,
  closedAt: p.closedAt?.toISOString() ?? null,
});

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
      const key = `poll:${p.id}`;
      if (to === 'open') {
        const overlay: Overlay = { key, kind: 'poll', id: p.id, data: { question: p.question, options: p.options }, expiresAt: null, shownAt: now.toISOString() };
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'show', key, overlay });
      } else {
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'hide', key, overlay: null });
      }
      audit(to === 'open' ? 'poll.open' : 'poll.close', { type: 'poll', id: p.id, broadcastId });
      return pollView(p);
    });
  }
}

@ApiTags('polls')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id/polls')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class PollsController {
  constructor(private readonly polls: PollsService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(CreatePoll) })
  create(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(CreatePoll)) dto: Dto<typeof CreatePoll>) {
    return this.polls.create(user, p.id, dto);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.polls.list(user, p.id);
  }

  @Post(':pollId/open')
  @HttpCode(200)
  @ApiOperation({ summary: 'draft -> open (viewers get overlay.show; votes go to burst-api)' })
  open(@CurrentUser() user: Principal, @Param(new ZodPipe(PollParams)) p: Dto<typeof PollParams>) {
    return this.polls.transition(user, p.id, p.pollId, 'open');
  }

  @Post(':pollId/close')
  @HttpCode(200)
  close(@CurrentUser() user: Principal, @Param(new ZodPipe(PollParams)) p: Dto<typeof PollParams>) {
    return this.polls.transition(user, p.id, p.pollId, 'closed');
  }
}
