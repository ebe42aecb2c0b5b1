import { Inject, Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { BroadcastEntity } from '@live/management-data-access';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../app.config';
import { ManagementErrors, assertCanManage, isStaff } from '../common/access';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { ManagementTx } from '../outbox/management-tx';
import { BroadcastQuery, ChatSettings, CreateBroadcast, UpdateBroadcast } from './broadcasts.dto';

export interface BroadcastView {
  id: string;
  title: string;
  sellerId: string;
  scheduledAt: string;
  status: BroadcastEntity['status'];
  startedAt: string | null;
  endedAt: string | null;
  /** where the seller pushes; the secret stream key only from GET /v1/broadcasts/:id/stream-key */
  ingest: { url: string };
  chat: { slowModeSeconds: number; displayBudgetPerSecond: number | null };
  expectedAudience: number | null;
  playbackUrl: string;
  createdAt: string;
}

@Injectable()
export class BroadcastsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: ManagementTx,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  view(b: BroadcastEntity): BroadcastView {
    return {
      id: b.id,
      title: b.title,
      sellerId: b.sellerId,
      scheduledAt: b.scheduledAt.toISOString(),
      status: b.status,
      startedAt: b.startedAt?.toISOString() ?? null,
      endedAt: b.endedAt?.toISOString() ?? null,
      ingest: { url: this.config.RTMP_INGEST_URL },
      chat: { slowModeSeconds: b.chatSlowModeSeconds, displayBudgetPerSecond: b.chatDisplayBudget },
      expectedAudience: b.expectedAudience ?? null,
      // a placeholder until the encoder serves it
      playbackUrl: `${this.config.PLAYBACK_BASE_URL}/${b.id}/master.m3u8`,
      createdAt: b.createdAt.toISOString(),
    };
  }

  /** The show, if it exists (404) and the user may manage it (403). */
  async getManaged(user: Principal, id: string, m: EntityManager = this.dataSource.manager, lock = false): Promise<BroadcastEntity> {
    const b = await m.getRepository(BroadcastEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!b) throw CommonErrors.notFound('broadcast', 'id');
    assertCanManage(user, b.sellerId);
    return b;
  }

  async create(user: Principal, dto: CreateBroadcast): Promise<BroadcastView> {
    const sellerId = dto.sellerId ?? user.sub;
    if (!isStaff(user) && sellerId !== user.sub) throw CommonErrors.forbidden('a seller creates shows for itself only');
    if (isStaff(user) && !dto.sellerId) throw CommonErrors.validation('sellerId', 'sellerId: required when an operator creates a show');
    return this.tx.run(user, async ({ m, emit, audit }) => {
      const b = m.getRepository(BroadcastEntity).create({
        id: randomUUID(),
        title: dto.title,
        sellerId,
        scheduledAt: new Date(dto.scheduledAt),
        status: 'scheduled',
        startedAt: null,
        endedAt: null,
        streamKey: randomBytes(18).toString('base64url'),
        chatSlowModeSeconds: 0,
        chatDisplayBudget: null,
        expectedAudience: dto.expectedAudience ?? null,
      });
      await m.getRepository(BroadcastEntity).insert(b);
      // the catalogue shows the seller's own name until it sets another (PUT /v1/sellers/:id/profile)
      if (!isStaff(user) && user.name) {
        await m.query('INSERT INTO management.seller_profiles (seller_id, display_name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [sellerId, user.name]);
      }
      const saved = await m.getRepository(BroadcastEntity).findOneByOrFail({ id: b.id });
      emit(Topics.BroadcastLifecycle, b.id, { broadcastId: b.id, sellerId, status: 'scheduled', at: new Date().toISOString() });
      audit('broadcast.create', { type: 'broadcast', id: b.id, broadcastId: b.id }, { title: dto.title });
      return this.view(saved);
    });
  }

  async list(user: Principal, q: BroadcastQuery): Promise<Page<BroadcastView>> {
    const qb = this.dataSource.getRepository(BroadcastEntity).createQueryBuilder('b');
    // a seller sees its own shows whatever filter it sends
    const sellerId = isStaff(user) ? q.sellerId : user.sub;
    if (sellerId) qb.andWhere('b.seller_id = :sellerId', { sellerId });
    if (q.status) qb.andWhere('b.status = :status', { status: q.status });
    if (q.from) qb.andWhere('b.scheduled_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('b.scheduled_at < :to', { to: q.to });
    const cursor = decodeCursor(q.cursor);
    if (cursor) qb.andWhere('(b.created_at, b.id) < (:t, :cid)', { t: cursor.t, cid: cursor.id });
    const rows = await qb.orderBy('b.created_at', 'DESC').addOrderBy('b.id', 'DESC').take(q.limit + 1).getMany();
    const page = toPage(rows, q.limit);
    return { items: page.items.map((b) => this.view(b)), nextCursor: page.nextCursor };
  }

  async get(user: Principal, id: string): Promise<BroadcastView> {
    return this.view(await this.getManaged(user, id));
  }

  async update(user: Principal, id: string, dto: UpdateBroadcast): Promise<BroadcastView> {
    return this.tx.run(user, async ({ m, audit }) => {
      const b = await this.getManaged(user, id, m, true);
      if (dto.scheduledAt && b.status !== 'scheduled') {
        throw ManagementErrors.conflict('NOT_SCHEDULED', 'only a scheduled show can be rescheduled', 'scheduledAt');
      }
      if (dto.title) b.title = dto.title;
      if (dto.scheduledAt) b.scheduledAt = new Date(dto.scheduledAt);
      if (dto.expectedAudience !== undefined) b.expectedAudience = dto.expectedAudience;
      await m.getRepository(BroadcastEntity).save(b);
      audit('broadcast.update', { type: 'broadcast', id, broadcastId: id }, dto);
      return this.view(b);
    });
  }

  /** Slow mode and the room's display budget; message-api and message-processor read the mirror. */
  async setChatSettings(user: Principal, id: string, dto: ChatSettings): Promise<BroadcastView> {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      const b = await this.getManaged(user, id, m, true);
      b.chatSlowModeSeconds = dto.slowModeSeconds;
      b.chatDisplayBudget = dto.displayBudgetPerSecond;
      await m.getRepository(BroadcastEntity).save(b);
      emit(Topics.ChatSettings, id, { broadcastId: id, slowModeSeconds: dto.slowModeSeconds, displayBudgetPerSecond: dto.displayBudgetPerSecond });
      audit('broadcast.chat-settings', { type: 'broadcast', id, broadcastId: id }, dto);
      return this.view(b);
    });
  }

  /** scheduled -> live -> ended; anything else is 409. */
  async transition(user: Principal, id: string, to: 'live' | 'ended'): Promise<BroadcastView> {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      const b = await this.getManaged(user, id, m, true);
      const from = b.status;
      const legal = (from === 'scheduled' && to === 'live') || (from === 'live' && to === 'ended');
      if (!legal) throw ManagementErrors.illegalTransition('broadcast', from, to);
      const now = new Date();
      b.status = to;
      if (to === 'live') b.startedAt = now;
      else b.endedAt = now;
      await m.getRepository(BroadcastEntity).save(b);
      emit(Topics.BroadcastLifecycle, id, { broadcastId: id, sellerId: b.sellerId, status: to, at: now.toISOString() });
      audit(to === 'live' ? 'broadcast.start' : 'broadcast.end', { type: 'broadcast', id, broadcastId: id }, { from });
      return this.view(b);
    });
  }
}
