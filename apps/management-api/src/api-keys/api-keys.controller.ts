import { Body, Controller, Delete, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Dto, IdParam, ZodPipe, openApiSchema } from '../common/validation';
import { ApiKeyQuery, CreateApiKey } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

/** Keys are managed with a user token only: a key cannot mint or revoke keys. */
@ApiTags('api keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: "A shop API key for one seller; the key is in this answer only (stored as sha256)" })
  @ApiBody({ schema: openApiSchema(CreateApiKey) })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(CreateApiKey)) dto: Dto<typeof CreateApiKey>) {
    return this.apiKeys.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: "A seller's keys (prefix, name, last use, revoked): never the key" })
  @ApiQuery({ name: 'sellerId', required: false })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(ApiKeyQuery)) q: Dto<typeof ApiKeyQuery>) {
    return this.apiKeys.list(user, q);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a key: refused from the next request on (idempotent)' })
  revoke(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.apiKeys.revoke(user, p.id);
  }
}
