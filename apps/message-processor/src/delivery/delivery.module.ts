import { Module } from '@nestjs/common';
import { ChatLog, ChatMessageRepository } from '@live/chat-data-access';
import { DeliveryConsumer, deliveryWindow } from './delivery.consumer';
import { DeliveryService } from './delivery.service';

@Module({
  controllers: [DeliveryConsumer],
  providers: [ChatMessageRepository, ChatLog, DeliveryService, deliveryWindow],
})
export class DeliveryModule {}
