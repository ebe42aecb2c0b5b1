import { Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Overlay, Topics, OverlayKeys } from '@live/contracts';
import { NoticeEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { ManagementTx } from '../outbox/management-tx';
import { PostNotice, noticeView } from './notices.dto';

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
      const key = OverlayKeys.notice(n.id);
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
      emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'hide', key: OverlayKeys.notice(n.id), overlay: null });
      audit('notice.clear', { type: 'notice', id: n.id, broadcastId });
      return noticeView(n);
    });
  }
}
