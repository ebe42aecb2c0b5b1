import { Body, Controller, Get, HttpCode, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CommonErrors } from '@live/app';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Overlay, Topics } from '@live/contracts';
import { NoticeEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { IdParam, Dto, ZodPipe, openApiSchema, v } from '../common/validation';
import { ManagementTx } from '../outbox/management-tx';

export const PostNotice = z
  .object({
    text: v.text(300),
    /** seconds until the notice disappears by itself; none: until cleared */
    ttlSeconds: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(86_400).optional(),
  })
  .strict();
export type PostNotice = z.infer<typeof PostNotice>;

const NoticeParams = z.object({ id: v.uuid(), noticeId: v.uuid('noticeId') });
type NoticeParams = z.infer<typeof NoticeParams>;

const noticeView = (n: NoticeEntity) => ({
  id: n.id,
  broadcastId: n.broadcastId,
  text: n.text,
  postedAt: n.postedAt.toISOString(),
  expiresAt: n.expiresAt?.toISOString() ?? null,
  clearedAt: n.clearedAt?.toISOString() ?? null,
  active: !n.clearedAt && (!n.expiresAt || n.expiresAt.getTime() > Date.now()),
});

@Injectable()
export class NoticesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly broadcasts: BroadcastsService,
    private readonly tx: ManagementTx,
  ) {}

  async post(user: Principal, broadcastId: string, dto: PostNotice) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      const b = await this.broadcasts.getManaged(user, broadcastId, m);
      if (b.status === 'ended') throw ManagementErrors.conflict('BROADCAST_ENDED', 'the show has ended', 'id');
      const now = new Date();
      const n: NoticeEntity = {
        id: randomUUID(),
        broadcastId,
        text: dto.text,
        postedAt: now,
        expiresAt: dto.ttlSeconds ? new Date(now.getTime() + dto.ttlSeconds * 1000) : null,
        clearedAt: null,
      };
      await m.getRepository(NoticeEntity).insert(n);
      const key = `notice:${n.id}`;
      const overlay: Overlay = { key, kind: 'notice', id: n.id, data: { text: n.text }, expiresAt: n.expiresAt?.toISOString() ?? null, shownAt: now.toISOString() };
      emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'show', key, overlay });
      audit('notice.post', { type: 'notice', id: n.id, broadcastId }, { text: n.text, ttlSeconds: dto.ttlSeconds ?? null });
      return noticeView(n);
    });
  }

  async list(user: Principal, broadcastId: string) {
    await this.broadcasts.getManaged(user, broadcastId);
    return (await this.dataSource.getRepository(NoticeEntity).find({ where: { broadcastId }, order: { postedAt: 'ASC' } })).map(noticeView);
  }

  async clear(user: Principal, broadcastId: string, noticeId: string) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      await this.broadcasts.getManaged(user, broadcastId, m);
      const n = await m.getRepository(NoticeEntity).findOne({ where: { id: noticeId, broadcastId }, lock: { mode: 'pessimistic_write' } });
      if (!n) throw CommonErrors.notFound('notice', 'noticeId');
      if (n.clearedAt) throw ManagementErrors.conflict('ALREADY_CLEARED', 'the notice is already cleared', 'noticeId');
      n.clearedAt = new Date();
      await m.getRepository(NoticeEntity).update({ id: n.id }, { clearedAt: n.clearedAt });
      emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'hide', key: `notice:${n.id}`, overlay: null });
      audit('notice.clear', { type: 'notice', id: n.id, broadcastId });
      return noticeView(n);
    });
  }
}

@ApiTags('notices')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id/notices')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(PostNotice) })
  post(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(PostNotice)) dto: Dto<typeof PostNotice>) {
    return this.notices.post(user, p.id, dto);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.notices.list(user, p.id);
  }

  @Post(':noticeId/clear')
  @HttpCode(200)
  clear(@CurrentUser() user: Principal, @Param(new ZodPipe(NoticeParams)) p: Dto<typeof NoticeParams>) {
    return this.notices.clear(user, p.id, p.noticeId);
  }
}
