import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { IdParam, Dto, ZodPipe, openApiSchema } from '../common/validation';
import { PostNotice, NoticeParams } from './notices.dto';
import { NoticesService } from './notices.service';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id/notices')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(PostNotice) })
  post(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(PostNotice)) dto: Dto<typeof PostNotice>) {
    return this.notices.post(user, p.id, dto);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.notices.list(user, p.id);
  }

  @Post(':noticeId/clear')
  @HttpCode(200)
  clear(@CurrentUser() user: Principal, @Param(new ZodPipe(NoticeParams)) p: Dto<typeof NoticeParams>) {
    return this.notices.clear(user, p.id, p.noticeId);
  }
}
