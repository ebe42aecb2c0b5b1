import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyOrJwtGuard } from '../api-keys/api-keys.guard';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { IdParam, Dto, ZodPipe, openApiSchema } from '../common/validation';
import { AddShowProduct, CreateProduct, ProductQuery, ReorderShowProducts, ReservationParams, ReserveStock, ShowProductParams, UpdateProduct } from './products.dto';
import { ProductsService } from './products.service';

@ApiTags('products')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('v1/products')
@UseGuards(ApiKeyOrJwtGuard)
@AllowRoles('admin', 'operator', 'seller')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(CreateProduct) })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(CreateProduct)) dto: Dto<typeof CreateProduct>) {
    return this.products.create(user, dto);
  }

  @Get()
  @ApiQuery({ name: 'sellerId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(ProductQuery)) q: Dto<typeof ProductQuery>) {
    return this.products.list(user, q);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.products.get(user, p.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a product; where it is pinned, viewers get the new price and stock at once (overlay.show)' })
  @ApiBody({ schema: openApiSchema(UpdateProduct) })
  update(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(UpdateProduct)) dto: Dto<typeof UpdateProduct>) {
    return this.products.update(user, p.id, dto);
  }

  @Post(':id/reservations')
  @ApiOperation({ summary: 'Reserve stock for the shop (atomic, never below zero: 409 OUT_OF_STOCK; idempotent by reservationId: 201 then 200)' })
  @ApiBody({ schema: openApiSchema(ReserveStock) })
  async reserve(
    @CurrentUser() user: Principal,
    @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>,
    @Body(new ZodPipe(ReserveStock)) dto: Dto<typeof ReserveStock>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.products.reserve(user, p.id, dto);
    if (r.replayed) res.status(200);
    return r;
  }

  @Delete(':id/reservations/:reservationId')
  @ApiOperation({ summary: 'Release a reservation: its quantity goes back to the stock once (idempotent)' })
  release(@CurrentUser() user: Principal, @Param(new ZodPipe(ReservationParams)) p: Dto<typeof ReservationParams>) {
    return this.products.release(user, p.id, p.reservationId);
  }
}

@ApiTags('show products')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id/products')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class ShowProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({ summary: "The show's products in order, with the pinned one marked" })
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.products.listForShow(user, p.id);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(AddShowProduct) })
  add(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(AddShowProduct)) dto: Dto<typeof AddShowProduct>) {
    return this.products.addToShow(user, p.id, dto);
  }

  @Put('order')
  @ApiBody({ schema: openApiSchema(ReorderShowProducts) })
  reorder(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(ReorderShowProducts)) dto: Dto<typeof ReorderShowProducts>) {
    return this.products.reorder(user, p.id, dto.productIds);
  }

  @Delete(':productId')
  remove(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowProductParams)) p: Dto<typeof ShowProductParams>) {
    return this.products.removeFromShow(user, p.id, p.productId);
  }

  @Post(':productId/pin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pin the product (replaces the pinned one); viewers get overlay.show' })
  pin(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowProductParams)) p: Dto<typeof ShowProductParams>) {
    return this.products.pin(user, p.id, p.productId, true);
  }

  @Post(':productId/unpin')
  @HttpCode(200)
  unpin(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowProductParams)) p: Dto<typeof ShowProductParams>) {
    return this.products.pin(user, p.id, p.productId, false);
  }
}
