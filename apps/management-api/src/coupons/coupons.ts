import { Body, Controller, Get, HttpCode, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommonErrors } from '@live/app';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Overlay, Topics } from '@live/contracts';
import { CouponEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors } from '../common/access';
import { IdParam, Dto, ZodPipe, openApiSchema, v } from '../common/validation';
import { ManagementTx } from '../outbox/management-tx';

export const CreateCoupon = z
  .object({
    name: v.text(80),
    discountType: z.enum(['percent', 'amount'], { error: "must be 'percent' or 'amount'" }),
    discountValue: v.money,
    currency: v.currency.optional(),
    totalQuantity: v.count(10_000_000).refine((n) => n > 0, 'must be at least 1'),
    perUserLimit: v.count(100).refine((n) => n > 0, 'must be at least 1').default(1),
    validFrom: v.date,
    validUntil: v.date,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.discountValue <= 0) ctx.addIssue({ code: 'custom', path: ['discountValue'], message: 'must be more than 0' });
    if (c.discountType === 'percent' && c.discountValue > 100) ctx.addIssue({ code: 'custom', path: ['discountValue'], message: 'a percentage is at most 100' });
    if (c.discountType === 'amount' && !c.currency) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'required for an amount discount' });
    if (Date.parse(c.validUntil) <= Date.parse(c.validFrom)) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
  });
export type CreateCoupon = z.infer<typeof CreateCoupon>;

const CouponParams = z.object({ id: v.uuid(), couponId: v.uuid('couponId') });
type CouponParams = z.infer<typeof CouponParams>;

export const couponView = (c: CouponEntity) => ({
  id: c.id,
  broadcastId: c.broadcastId,
  name: c.name,
  discountType: c.discountType,
  discountValue: Number(c.discountValue),
  currency: c.currency,
  totalQuantity: c.totalQuantity,
  perUserLimit: c.perUserLimit,
  validFrom: c.validFrom.toISOString(),
  validUntil: c.validUntil.toISOString(),
  exposed: c.exposed,
});

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
      const key = `coupon:${c.id}`;
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

@ApiTags('coupons')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id/coupons')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class CouponsController {
  constructor(private readonly coupons: CouponsService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(CreateCoupon) })
  create(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(CreateCoupon)) dto: Dto<typeof CreateCoupon>) {
    return this.coupons.create(user, p.id, dto);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.coupons.list(user, p.id);
  }

  @Post(':couponId/expose')
  @HttpCode(200)
  @ApiOperation({ summary: 'Show the coupon to viewers (overlay.show); claims open within its window' })
  expose(@CurrentUser() user: Principal, @Param(new ZodPipe(CouponParams)) p: Dto<typeof CouponParams>) {
    return this.coupons.setExposed(user, p.id, p.couponId, true);
  }

  @Post(':couponId/hide')
  @HttpCode(200)
  hide(@CurrentUser() user: Principal, @Param(new ZodPipe(CouponParams)) p: Dto<typeof CouponParams>) {
    return this.coupons.setExposed(user, p.id, p.couponId, false);
  }
}
