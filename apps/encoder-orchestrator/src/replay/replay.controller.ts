import { Body, Controller, Get, HttpCode, Param, Post, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Dto, ZodPipe } from '@live/errors';
import { AllowRoles, CurrentUser, JwtAuthGuard, Principal } from '@live/auth';
import { BroadcastParam, CreateReplay, JobParam } from './replay.dto';
import { ReplayService } from './replay.service';

/** Staff start and retry replay jobs; anyone reads a show's replay (it is as public as the show). */
@ApiTags('replay')
@Controller('v1')
export class ReplayController {
  constructor(private readonly replay: ReplayService) {}

  @Get('broadcasts/:id/replay')
  @ApiOperation({ summary: 'Playback URLs, ladder, chapters and job state of a show replay' })
  view(@Param(new ZodPipe(BroadcastParam)) p: Dto<typeof BroadcastParam>) {
    return this.replay.view(p.id);
  }

  @Post('broadcasts/:id/replay')
  @HttpCode(202)
  @UseGuards(JwtAuthGuard)
  @AllowRoles('admin', 'operator')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Make (or remake) the replay of a show from its recording' })
  async request(@CurrentUser() user: Principal, @Param(new ZodPipe(BroadcastParam)) p: Dto<typeof BroadcastParam>) {
    const job = await this.replay.request(p.id, { kind: 'recording' }, user.sub);
    return this.replay.job(job.jobId);
  }

  @Post('broadcasts/:id/replay/retry')
  @HttpCode(202)
  @UseGuards(JwtAuthGuard)
  @AllowRoles('admin', 'operator')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Resume the show\'s latest failed replay job from its failed step' })
  async retryLatest(@Param(new ZodPipe(BroadcastParam)) p: Dto<typeof BroadcastParam>) {
    const job = await this.replay.retryLatest(p.id);
    return this.replay.job(job.jobId);
  }

  @Post('replays')
  @HttpCode(202)
  @UseGuards(JwtAuthGuard)
  @AllowRoles('admin', 'operator')
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data', 'application/json')
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'A replay from an uploaded file (multipart `file`) or a file on the server (`path`)' })
  async create(@CurrentUser() user: Principal, @Body(new ZodPipe(CreateReplay)) dto: Dto<typeof CreateReplay>, @UploadedFile() file?: { path: string }) {
    const job = await this.replay.fromFile(dto, file, user.sub);
    return this.replay.job(job.jobId);
  }

  @Get('replays/:jobId')
  @UseGuards(JwtAuthGuard)
  @AllowRoles('admin', 'operator')
  @ApiBearerAuth()
  job(@Param(new ZodPipe(JobParam)) p: Dto<typeof JobParam>) {
    return this.replay.job(p.jobId);
  }

  @Post('replays/:jobId/retry')
  @HttpCode(202)
  @UseGuards(JwtAuthGuard)
  @AllowRoles('admin', 'operator')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Resume a failed replay job from its failed step' })
  async retry(@Param(new ZodPipe(JobParam)) p: Dto<typeof JobParam>) {
    const job = await this.replay.retry(p.jobId);
    return this.replay.job(job.jobId);
  }
}
