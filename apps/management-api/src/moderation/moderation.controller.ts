import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { IdParam, Dto, ZodPipe, openApiSchema } from '../common/validation';
import { CreateBan, ShowUserParams, UserParam, MessageParams } from './moderation.dto';
import { ModerationService } from './moderation.service';

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('v1/broadcasts/:id')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator', 'seller', 'moderator')
export class ShowModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Post('bans')
  @ApiBody({ schema: openApiSchema(CreateBan) })
  @ApiOperation({ summary: 'Ban a user from this show (chat, hearts, claims)' })
  ban(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>, @Body(new ZodPipe(CreateBan)) dto: Dto<typeof CreateBan>) {
    return this.moderation.ban(user, p.id, dto);
  }

  @Get('bans')
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(IdParam)) p: Dto<typeof IdParam>) {
    return this.moderation.list(user, p.id);
  }

  @Delete('bans/:userId')
  unban(@CurrentUser() user: Principal, @Param(new ZodPipe(ShowUserParams)) p: Dto<typeof ShowUserParams>) {
    return this.moderation.unban(user, p.id, p.userId);
  }

  @Delete('messages/:messageId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a chat line for every viewer' })
  async deleteMessage(@CurrentUser() user: Principal, @Param(new ZodPipe(MessageParams)) p: Dto<typeof MessageParams>) {
    await this.moderation.deleteMessage(user, p.id, p.messageId);
  }
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('v1/bans')
@UseGuards(JwtAuthGuard)
@AllowRoles('admin', 'operator')
export class GlobalBansController {
  constructor(private readonly moderation: ModerationService) {}

  @Post()
  @ApiBody({ schema: openApiSchema(CreateBan) })
  @ApiOperation({ summary: 'Ban a user from every show' })
  ban(@CurrentUser() user: Principal, @Body(new ZodPipe(CreateBan)) dto: Dto<typeof CreateBan>) {
    return this.moderation.ban(user, null, dto);
  }

  @Get()
  list(@CurrentUser() user: Principal) {
    return this.moderation.list(user, null);
  }

  @Delete(':userId')
  unban(@CurrentUser() user: Principal, @Param(new ZodPipe(UserParam)) p: Dto<typeof UserParam>) {
    return this.moderation.unban(user, null, p.userId);
  }
}
