import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ChatDeleted, SocketEvents, SocketRooms, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RealtimeServer } from '../realtime/realtime.server';
import { ChatLog } from './chat-log';

/** A deleted line leaves the recent list and every viewer's screen (`chat.deleted`). */
@Injectable()
export class ChatModerationConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaService,
    private readonly log: ChatLog,
    private readonly realtime: RealtimeServer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka
      .createConsumer({
        groupId: 'ws-gateway.chat-moderation',
        topics: [Topics.ModerationAction],
        handleBatch: async (events) => {
          for (const { value } of events) {
            if (value.action !== 'message.deleted') continue;
            await this.log.remove(value.broadcastId, value.messageId);
            const payload: ChatDeleted = { broadcastId: value.broadcastId, messageId: value.messageId };
            this.realtime.server.to(SocketRooms.broadcast(value.broadcastId)).emit(SocketEvents.ChatDeleted, payload);
          }
        },
      })
      .start();
  }
}
