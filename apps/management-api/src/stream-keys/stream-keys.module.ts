import { DynamicModule, Module } from '@nestjs/common';
import { StreamKeysConsumer } from './stream-keys.consumer';
import { StreamKeysController } from './stream-keys.controller';
import { STREAM_KEY_INGEST_URL, STREAM_KEY_SRT, SrtIngest, StreamKeysService } from './stream-keys.service';

/** Stream keys of shows: GET / rotate, and the Redis lookup the encoder's ingest reads. */
@Module({})
export class StreamKeysModule {
  static forRoot(ingestUrl: string, srt: SrtIngest): DynamicModule {
    return {
      module: StreamKeysModule,
      controllers: [StreamKeysController, StreamKeysConsumer],
      providers: [{ provide: STREAM_KEY_INGEST_URL, useValue: ingestUrl }, { provide: STREAM_KEY_SRT, useValue: srt }, StreamKeysService],
    };
  }
}
