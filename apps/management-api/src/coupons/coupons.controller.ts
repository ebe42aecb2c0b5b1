import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { IdParam, Dto, ZodPipe, openApiSchema } from '../common/validation';
import { CreateCoupon, CouponParams } from './coupons.dto';
import { CouponsService } from './coupons.service';

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
