import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import type { Response } from 'express';
import { ApiKeyOnly, ApiKeyOrJwtGuard } from '../api-keys/api-keys.guard';
import { ApiKeyPrincipal } from '../api-keys/api-keys.service';
import { Dto, ZodPipe, openApiSchema } from '../common/validation';
import { MineQuery, RedeemCode } from './commerce.dto';
import { CommerceService } from './commerce.service';

/** Any signed-in user (a viewer included): its own claims and votes, nobody else's. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('v1/me')
@UseGuards(JwtAuthGuard)
export class MeController {
  constructor(private readonly commerce: CommerceService) {}

  @Get('claims')
  @ApiOperation({ summary: 'My won coupons with their codes and status (active, redeemed, expired)' })
  claims(@CurrentUser() user: Principal, @Query(new ZodPipe(MineQuery)) q: Dto<typeof MineQuery>) {
    return this.commerce.myClaims(user, q.limit);
  }

  @Get('votes')
  @ApiOperation({ summary: 'My poll votes' })
  votes(@CurrentUser() user: Principal, @Query(new ZodPipe(MineQuery)) q: Dto<typeof MineQuery>) {
    return this.commerce.myVotes(user, q.limit);
  }
}

@ApiTags('coupons (shop)')
@ApiSecurity('api-key')
@Controller('v1/coupons/redemptions')
@UseGuards(ApiKeyOrJwtGuard)
@ApiKeyOnly()
export class RedemptionsController {
  constructor(private readonly commerce: CommerceService) {}

  @Post()
  @ApiOperation({
    summary:
      "Redeem a won coupon's code with the seller's API key (X-Api-Key): 201 once; 200 for a repeat with the same orderRef; " +
      '404 CODE_NOT_FOUND (unknown or another seller’s: one answer), 409 ALREADY_REDEEMED, 410 CODE_EXPIRED, 429 RATE_LIMITED',
  })
  @ApiBody({ schema: openApiSchema(RedeemCode) })
  async redeem(@CurrentUser() key: ApiKeyPrincipal, @Body(new ZodPipe(RedeemCode)) dto: Dto<typeof RedeemCode>, @Res({ passthrough: true }) res: Response) {
    const r = await this.commerce.redeem(key, dto);
    if (r.replayed) res.status(200);
    return r.redemption;
  }
}
