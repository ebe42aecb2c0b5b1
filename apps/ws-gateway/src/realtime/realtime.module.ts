import { Global, Module } from '@nestjs/common';
import { ConnectionsMetric } from './connections.metric';
import { RealtimeServer } from './realtime.server';

/** The socket.io server every feature registers its handlers with and emits through. */
@Global()
@Module({
  providers: [RealtimeServer, ConnectionsMetric],
  exports: [RealtimeServer],
})
export class RealtimeModule {}
