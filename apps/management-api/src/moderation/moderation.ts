import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommonErrors } from '@live/app';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { BanEntity, BroadcastEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { z } from 'zod';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { IdParam, Dto, ZodPipe, openApiSchema, v } from '../common/validation';
import { ManagementTx } from '../outbox/management-tx';

export const CreateBan = z
  .object({
    userId: v.text(128),
    reason: v.text(500),
    /** none: until lifted */
    durationSeconds: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(31_536_000).optional(),
  })
  .strict();
export type CreateBan = z.infer<typeof CreateBan>;

const ShowUserParams = z.object({ id: v.uuid(), userId: v.text(128) });
type ShowUserParams = z.infer<typeof ShowUserParams>;
const UserParam = z.object({ userId: v.text(128) });
type UserParam = z.infer<typeof UserParam>;
const MessageParams = z.object({ id: v.uuid(), messageId: v.uuid('messageId') });
type MessageParams = z.infer<typeof MessageParams>;

const banView = (b: BanEntity) => ({
  id: b.id,
  broadcastId: b.broadcastId,
  userId: b.userId,
  reason: b.reason,
  until: b.until?.toISOString() ?? null,
  createdBy: b.createdBy,
  createdAt: b.createdAt.toISOString(),
});

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

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller', 'moderator')
export class ShowModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Post('bans')
  @ApiBody({ schema: openApiSchema(CreateBan) })
  @ApiOperation({ summary: 'Ban a user from this show (chat, hearts, claims)' })
  ban(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(CreateBan)) dto: Dto<typeof CreateBan>) {
    return this.moderation.ban(user, p.id, dto);
  }

  @Get('bans')
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.moderation.list(user, p.id);
  }

  @Delete('bans/:userId')
  unban(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowUserParams)) p: Dto<typeof ShowUserParams>) {
    return this.moderation.unban(user, p.id, p.userId);
  }

  @Delete('messages/:messageId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a chat line for every viewer' })
  async deleteMessage(@CurrentUser() user: Principal, @Param(new ZodPipe(MessageParams)) p: Dto<typeof MessageParams>) {
    await this.moderation.deleteMessage(user, p.id, p.messageId);
  }
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('v1/bans')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator')
export class GlobalBansController {
  constructor(private readonly moderation: ModerationService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(CreateBan) })
  @ApiOperation({ summary: 'Ban a user from every show' })
  ban(@CurrentUser() user: Principal, @Body(new ZodPipe(CreateBan)) dto: Dto<typeof CreateBan>) {
    return this.moderation.ban(user, null, dto);
  }

  @Get()
  list(@CurrentUser() user: Principal) {
    return this.moderation.list(user, null);
  }

  @Delete(':userId')
  unban(@CurrentUser() user: Principal, @Param(new ZodPipe(UserParam)) p: Dto<typeof UserParam>) {
    return this.moderation.unban(user, null, p.userId);
  }
}
