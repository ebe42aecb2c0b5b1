import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { RateLimit } from '@live/bootstrap';
import { Dto, ZodPipe } from '@live/errors';
import { ClaimParams } from './coupons.dto';
import { CouponsService } from './coupons.service';

@Controller('v1/broadcasts/:id/coupons/:couponId/claims')
@UseGuards(JwtAuthGuard)
export class CouponsController {
  constructor(private readonly coupons: CouponsService) {}

  /** 201 `{ claimId, remaining }`; 409 already claimed or not exposed; 410 sold out. */
  @Post()
  @HttpCode(201)
  // a viewer claims a coupon once: 20 tries in 10 s is a script; the per-IP bound is for NATs
  @RateLimit('claims', { user: { limit: 20, seconds: 10 }, ip: { limit: 50_000, seconds: 10 } })
  claim(@CurrentUser() user: Principal, @Param(new ZodPipe(ClaimParams)) p: Dto<typeof ClaimParams>) {
    return this.coupons.claim(user, p.id, p.couponId);
  }
}
