import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../app.config';
import { IngestService } from '../ingest/ingest.service';
import { SrtIngestService } from '../ingest/srt-ingest.service';
import { LiveConsumer } from './live.consumer';
import { LiveController } from './live.controller';
import { LiveMetrics } from './live.metrics';
import { LiveService } from './live.service';

/** Live video: RTMP and SRT ingest, the HLS ladder and its origin, ID3 overlays, recording. */
@Module({})
export class LiveModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LiveModule,
      controllers: [LiveController, LiveConsumer],
      providers: [{ provide: AppConfig, useValue: config }, LiveMetrics, LiveService, IngestService, SrtIngestService],
    };
  }
}
