import { Global, Module } from '@nestjs/common';
import { ManagementTx } from './management-tx';
import { OutboxRelay } from './outbox.relay';

/** Every write's transaction (change + audit + events) and the relay that publishes after commit. */
@Global()
@Module({
  providers: [ManagementTx, OutboxRelay],
  exports: [ManagementTx],
})
export class OutboxModule {}
