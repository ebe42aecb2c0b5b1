import { Module } from '@nestjs/common';
import { ChatMessageRepository } from '@live/chat-data-access';
import { DeliveryConsumer } from './delivery.consumer';
import { DeliveryService } from './delivery.service';

@Module({
  providers: [ChatMessageRepository, DeliveryService, DeliveryConsumer],
})
export class DeliveryModule {}
