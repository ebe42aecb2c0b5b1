import { DynamicModule, Module } from '@nestjs/common';
import { VodController } from './vod.controller';
import { DiskVodStorage, VodStorage } from './vod.storage';

/** Serves published replays at /vod and owns the storage they are published to. */
@Module({})
export class VodModule {
  static forRoot(storageDir: string): DynamicModule {
    return {
      module: VodModule,
      global: true,
      controllers: [VodController],
      providers: [{ provide: VodStorage, useValue: new DiskVodStorage(storageDir) }],
      exports: [VodStorage],
    };
  }
}
