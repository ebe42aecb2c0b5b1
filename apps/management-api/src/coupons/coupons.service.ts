import { Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Overlay, Topics, OverlayKeys } from '@live/contracts';
import { CouponEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { ManagementTx } from '../outbox/management-tx';
import { CreateCoupon, couponView } from './coupons.dto';

@Injectable()
export class CouponsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly broadcasts: BroadcastsService,
    private readonly tx: ManagementTx,
  ) {}

  async create(user: Principal, broadcastId: string, dto: CreateCoupon) {
    return this.tx.run(user, async ({ m, audit }) => {
      await this.broadcasts.getManaged(user, broadcastId, m);
      const id = randomUUID();
      await m.getRepository(CouponEntity).insert({
        id,
        broadcastId,
        name: dto.name,
        discountType: dto.discountType,
        discountValue: dto.discountValue.toFixed(2),
        currency: dto.currency ?? null,
        totalQuantity: dto.totalQuantity,
        perUserLimit: dto.perUserLimit,
        validFrom: new Date(dto.validFrom),
        validUntil: new Date(dto.validUntil),
        exposed: false,
      });
      audit('coupon.create', { type: 'coupon', id, broadcastId }, { name: dto.name });
      return couponView(await m.getRepository(CouponEntity).findOneByOrFail({ id }));
    });
  }

  async list(user: Principal, broadcastId: string) {
    await this.broadcasts.getManaged(user, broadcastId);
    const rows = await this.dataSource.getRepository(CouponEntity).find({ where: { broadcastId }, order: { createdAt: 'ASC' } });
    return rows.map(couponView);
  }

  private async find(m: EntityManager, broadcastId: string, couponId: string) {
    const c = await m.getRepository(CouponEntity).findOne({ where: { id: couponId, broadcastId }, lock: { mode: 'pessimistic_write' } });
    if (!c) throw CommonErrors.notFound('coupon', 'couponId');
    return c;
  }

  /** Expose: viewers see it (overlay.show) and burst-api lets them claim it within its window. */
  async setExposed(user: Principal, broadcastId: string, couponId: string, exposed: boolean) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      const b = await this.broadcasts.getManaged(user, broadcastId, m);
      const c = await this.find(m, broadcastId, couponId);
      if (c.exposed === exposed) {
        throw ManagementErrors.conflict(exposed ? 'ALREADY_EXPOSED' : 'NOT_EXPOSED', `the coupon is ${exposed ? 'already exposed' : 'not exposed'}`, 'couponId');
      }
      if (exposed && b.status === 'ended') throw ManagementErrors.conflict('BROADCAST_ENDED', 'the show has ended', 'id');
      if (exposed && c.validUntil.getTime() <= Date.now()) throw ManagementErrors.conflict('COUPON_EXPIRED', 'the coupon window is over', 'couponId');
      c.exposed = exposed;
      await m.getRepository(CouponEntity).update({ id: c.id }, { exposed });
      const key = OverlayKeys.coupon(c.id);
      if (exposed) {
        const overlay: Overlay = { key, kind: 'coupon', id: c.id, data: couponView(c), expiresAt: c.validUntil.toISOString(), shownAt: new Date().toISOString() };
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'show', key, overlay });
      } else {
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'hide', key, overlay: null });
      }
      audit(exposed ? 'coupon.expose' : 'coupon.hide', { type: 'coupon', id: c.id, broadcastId });
      return couponView(c);
    });
  }
}
