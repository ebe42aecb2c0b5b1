import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { IdParam, Dto, ZodPipe, openApiSchema } from '../common/validation';
import { BroadcastQuery, ChatSettings, CreateBroadcast, UpdateBroadcast } from './broadcasts.dto';
import { BroadcastsService } from './broadcasts.service';

@ApiTags('broadcasts')
@ApiBearerAuth()
@Controller('v1/broadcasts')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post()
  @ApiOperation({ summary: 'Schedule a show' })
  @ApiBody({ schema: openApiSchema(CreateBroadcast) })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(CreateBroadcast)) dto: Dto<typeof CreateBroadcast>) {
    return this.broadcasts.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List shows (a seller sees its own); filter by status, seller, scheduled date' })
  @ApiQuery({ name: 'status', required: false, enum: ['scheduled', 'live', 'ended'] })
  @ApiQuery({ name: 'sellerId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'scheduledAt >= from (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'scheduledAt < to (ISO 8601)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(BroadcastQuery)) q: Dto<typeof BroadcastQuery>) {
    return this.broadcasts.list(user, q);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.broadcasts.get(user, p.id);
  }

  @Patch(':id')
  @ApiBody({ schema: openApiSchema(UpdateBroadcast) })
  update(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(UpdateBroadcast)) dto: Dto<typeof UpdateBroadcast>) {
    return this.broadcasts.update(user, p.id, dto);
  }

  @Put(':id/chat-settings')
  @ApiOperation({ summary: 'Slow mode and the display budget of the show chat' })
  @ApiBody({ schema: openApiSchema(ChatSettings) })
  chatSettings(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(ChatSettings)) dto: Dto<typeof ChatSettings>) {
    return this.broadcasts.setChatSettings(user, p.id, dto);
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Go live (scheduled -> live; otherwise 409)' })
  start(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.broadcasts.transition(user, p.id, 'live');
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the show (live -> ended; otherwise 409)' })
  end(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.broadcasts.transition(user, p.id, 'ended');
  }
}
