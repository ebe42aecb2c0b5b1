import { Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { BanEntity, BroadcastEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { ManagementTx } from '../outbox/management-tx';
import { CreateBan, banView } from './moderation.dto';

@Injectable()
export class ModerationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly broadcasts: BroadcastsService,
    private readonly tx: ManagementTx,
  ) {}

  /** A moderator moderates any show; otherwise the show's usual rules (staff, owning seller). */
  private async checkShow(user: Principal, broadcastId: string, m: EntityManager) {
    if (user.roles.includes('moderator')) {
      if (!(await m.getRepository(BroadcastEntity).existsBy({ id: broadcastId }))) throw CommonErrors.notFound('broadcast', 'id');
      return;
    }
    await this.broadcasts.getManaged(user, broadcastId, m);
  }

  private activeBans(m: EntityManager, broadcastId: string | null, userId?: string) {
    const qb = m
      .getRepository(BanEntity)
      .createQueryBuilder('b')
      .where('b.lifted_at IS NULL')
      .andWhere('(b.until IS NULL OR b.until > now())')
      .andWhere(broadcastId ? 'b.broadcast_id = :broadcastId' : 'b.broadcast_id IS NULL', { broadcastId });
    if (userId) qb.andWhere('b.user_id = :userId', { userId });
    return qb.orderBy('b.created_at', 'ASC').getMany();
  }

  async ban(user: Principal, broadcastId: string | null, dto: CreateBan) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      if (broadcastId) await this.checkShow(user, broadcastId, m);
      // serialise bans of one user so two requests cannot both see "not banned"
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ban:${broadcastId ?? '*'}:${dto.userId}`]);
      if ((await this.activeBans(m, broadcastId, dto.userId)).length) {
        throw ManagementErrors.conflict('ALREADY_BANNED', 'the user is already banned here', 'userId');
      }
      const ban: BanEntity = {
        id: randomUUID(),
        broadcastId,
        userId: dto.userId,
        reason: dto.reason,
        until: dto.durationSeconds ? new Date(Date.now() + dto.durationSeconds * 1000) : null,
        createdBy: user.sub,
        createdAt: new Date(),
        liftedAt: null,
        liftedBy: null,
      };
      await m.getRepository(BanEntity).insert(ban);
      emit(Topics.ModerationAction, broadcastId ?? 'global', {
        action: 'ban',
        banId: ban.id,
        broadcastId,
        userId: ban.userId,
        reason: ban.reason,
        until: ban.until?.toISOString() ?? null,
      });
      audit('ban.create', { type: 'user', id: ban.userId, broadcastId }, { reason: ban.reason, until: ban.until });
      return banView(ban);
    });
  }

  async list(user: Principal, broadcastId: string | null) {
    if (broadcastId) await this.checkShow(user, broadcastId, this.dataSource.manager);
    return (await this.activeBans(this.dataSource.manager, broadcastId)).map(banView);
  }

  async unban(user: Principal, broadcastId: string | null, userId: string) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      if (broadcastId) await this.checkShow(user, broadcastId, m);
      const [ban] = await this.activeBans(m, broadcastId, userId);
      if (!ban) throw CommonErrors.notFound('active ban of this user', 'userId');
      await m.getRepository(BanEntity).update({ id: ban.id, liftedAt: IsNull() }, { liftedAt: new Date(), liftedBy: user.sub });
      emit(Topics.ModerationAction, broadcastId ?? 'global', { action: 'unban', banId: ban.id, broadcastId, userId });
      audit('ban.lift', { type: 'user', id: userId, broadcastId }, { banId: ban.id });
      return { ...banView(ban), liftedBy: user.sub };
    });
  }

  /** The chat line disappears for every viewer and from the recent list (ws-gateway, processor). */
  async deleteMessage(user: Principal, broadcastId: string, messageId: string) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      await this.checkShow(user, broadcastId, m);
      emit(Topics.ModerationAction, broadcastId, { action: 'message.deleted', broadcastId, messageId });
      audit('message.delete', { type: 'message', id: messageId, broadcastId });
    });
  }
}
