import { Global, Module } from '@nestjs/common';
import { RealtimeServer } from './realtime.server';

/** The socket.io server every feature registers its handlers with and emits through. */
@Global()
@Module({
  providers: [RealtimeServer],
  exports: [RealtimeServer],
})
export class RealtimeModule {}
