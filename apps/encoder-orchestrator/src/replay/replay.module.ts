import { DynamicModule, Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { ChatMessageRepository } from '@live/chat-data-access';
import { ReplayJobRepository } from '@live/encoder-data-access';
import path from 'node:path';
import { AppConfig } from '../app.config';
import { ReplayConsumer } from './replay.consumer';
import { ReplayController } from './replay.controller';
import { ReplayProgressService } from './replay-progress.service';
import { ReplayService } from './replay.service';
import { ReplayWorker } from './replay-worker.service';

/** Replay jobs: triggers, the Postgres-backed queue and DAG runner, and the replay API. */
@Module({})
export class ReplayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ReplayModule,
      imports: [
        // uploads stream to disk, never into memory
        MulterModule.register({ dest: path.join(config.ENCODER_STORAGE_DIR, 'uploads', '.incoming'), limits: { fileSize: config.ENCODER_UPLOAD_MAX_BYTES } }),
      ],
      controllers: [ReplayController, ReplayConsumer],
      providers: [
        { provide: AppConfig, useValue: config },
        ReplayJobRepository,
        ChatMessageRepository,
        ReplayProgressService,
        ReplayWorker,
        ReplayService,
      ],
    };
  }
}
