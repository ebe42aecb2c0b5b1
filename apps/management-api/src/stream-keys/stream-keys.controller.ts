import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { Dto, IdParam, ZodPipe } from '../common/validation';
import { StreamKeysService } from './stream-keys.service';

@ApiTags('stream keys')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id/stream-key')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class StreamKeysController {
  constructor(private readonly streamKeys: StreamKeysService) {}

  @Get()
  @ApiOperation({ summary: "The show's RTMP ingest URL and secret stream key (its seller and staff only)" })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.streamKeys.get(user, p.id);
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new stream key; the old one is refused from now on (409 once the show ended)' })
  rotate(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.streamKeys.rotate(user, p.id);
  }
}
