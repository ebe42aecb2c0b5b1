import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { ApiKeyOrJwtGuard } from '../api-keys/api-keys.guard';
import { Dto, IdParam, ZodPipe, openApiSchema } from '../common/validation';
import { CreateEndpoint, DailyReportRun, DeliveryParams, DeliveryQuery, EndpointQuery, UpdateEndpoint } from './webhooks.dto';
import { DailyReportService } from './daily-report.service';
import { WebhooksService } from './webhooks.service';
import { WebhookDispatcher } from './webhook-dispatcher';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('v1/webhooks/endpoints')
@UseGuards(ApiKeyOrJwtGuard)
@AllowRoles('admin', 'operator', 'seller')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Register an endpoint for event types (a seller its own; an admin without sellerId: platform-wide). ' +
      'http(s) only; loopback, private and link-local targets are refused (WEBHOOK_ALLOWED_HOSTS for local testing). The signing secret is in the answer.',
  })
  @ApiBody({ schema: openApiSchema(CreateEndpoint) })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(CreateEndpoint)) dto: Dto<typeof CreateEndpoint>) {
    return this.webhooks.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Endpoints with delivery counts, last status and last attempt' })
  @ApiQuery({ name: 'sellerId', required: false })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(EndpointQuery)) q: Dto<typeof EndpointQuery>) {
    return this.webhooks.list(user, q);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.webhooks.get(user, p.id);
  }

  @Get(':id/secret')
  @ApiOperation({ summary: 'The signing secret (whsec_...), to verify webhook-signature' })
  secret(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.webhooks.secret(user, p.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change url, event types or description; enabled: true re-enables a disabled endpoint' })
  @ApiBody({ schema: openApiSchema(UpdateEndpoint) })
  async update(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(UpdateEndpoint)) dto: Dto<typeof UpdateEndpoint>) {
    const e = await this.webhooks.update(user, p.id, dto);
    this.dispatcher.kick();
    return e;
  }

  @Delete(':id')
  remove(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.webhooks.remove(user, p.id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Deliveries, newest first: status, attempts, last status and error, next retry' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'delivered', 'failed'] })
  @ApiQuery({ name: 'limit', required: false })
  deliveries(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Query(new ZodPipe(DeliveryQuery)) q: Dto<typeof DeliveryQuery>) {
    return this.webhooks.deliveries(user, p.id, q);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a delivery again now (same webhook-id), from the start of the retry schedule' })
  async replay(@CurrentUser() user: Principal, @Param(new ZodPipe(DeliveryParams)) p: Dto<typeof DeliveryParams>) {
    const d = await this.webhooks.replay(user, p.id, p.deliveryId);
    this.dispatcher.kick();
    return d;
  }
}

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks/daily-reports')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin')
export class DailyReportsController {
  constructor(private readonly reports: DailyReportService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Report a UTC day now (report.daily webhooks); sellers already reported for it get nothing more' })
  @ApiBody({ schema: openApiSchema(DailyReportRun) })
  run(@CurrentUser() user: Principal, @Body(new ZodPipe(DailyReportRun)) dto: Dto<typeof DailyReportRun>) {
    return this.reports.report(dto.day, user);
  }
}
