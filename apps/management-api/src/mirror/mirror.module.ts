import { Module } from '@nestjs/common';
import { MirrorConsumer } from './mirror.consumer';
import { MirrorService } from './mirror.service';

@Module({
  controllers: [MirrorConsumer],
  providers: [MirrorService],
})
export class MirrorModule {}
