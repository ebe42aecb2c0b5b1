import { Body, Controller, Get, Param, Put, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Dto, IdParam, ZodPipe, openApiSchema } from '../common/validation';
import { PublicCache, PublicCacheInterceptor } from './catalogue.cache';
import { CatalogueQuery, SellerParam, SellerProfile } from './catalogue.dto';
import { CatalogueService } from './catalogue.service';

/** No token: what any viewer app (and a CDN in front of it) may read. */
@ApiTags('catalogue (public)')
@Controller('v1/catalogue')
@UseInterceptors(PublicCacheInterceptor)
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get('broadcasts')
  @PublicCache(5)
  @ApiOperation({ summary: 'Live, upcoming and ended shows, by scheduled start; no token. Cache-Control + ETag (If-None-Match: 304)' })
  @ApiQuery({ name: 'status', required: false, description: 'upcoming, live, ended; comma-separated for several' })
  @ApiQuery({ name: 'sellerId', required: false })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'limit', required: false, description: '1-50, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  list(@Query(new ZodPipe(CatalogueQuery)) q: Dto<typeof CatalogueQuery>) {
    return this.catalogue.list(q);
  }

  @Get('broadcasts/:id')
  @PublicCache(2)
  @ApiOperation({ summary: "A show's public details: seller, status, schedule, playback URLs, pinned product, overlays on screen" })
  show(@Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.catalogue.show(p.id);
  }

  @Get('broadcasts/:id/products')
  @PublicCache(2)
  @ApiOperation({ summary: "The show's products in order with price and stock; the pinned one marked" })
  products(@Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.catalogue.products(p.id);
  }
}

@ApiTags('sellers')
@ApiBearerAuth()
@Controller('v1/sellers')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class SellersController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Put(':sellerId/profile')
  @ApiOperation({ summary: 'The display name viewers see in the catalogue (the seller itself or staff)' })
  @ApiBody({ schema: openApiSchema(SellerProfile) })
  profile(@CurrentUser() user: Principal, @Param(new ZodPipe(SellerParam)) p: Dto<typeof SellerParam>, @Body(new ZodPipe(SellerProfile)) dto: Dto<typeof SellerProfile>) {
    return this.catalogue.setProfile(user, p.sellerId, dto.displayName);
  }
}
