import { Module } from '@nestjs/common';
import { MirrorConsumer } from './mirror.consumer';
import { MirrorReconciler } from './mirror.reconciler';
import { MirrorService } from './mirror.service';

@Module({
  controllers: [MirrorConsumer],
  providers: [MirrorService, MirrorReconciler],
})
export class MirrorModule {}
