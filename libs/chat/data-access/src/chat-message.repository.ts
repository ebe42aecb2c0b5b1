import { Injectable } from '@nestjs/common';
import { ChatAcceptedV1 } from '@live/contracts';
import { DataSource } from 'typeorm';
import { ChatMessageEntity } from './chat-message.entity';

@Injectable()
export class ChatMessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One bulk INSERT ... ON CONFLICT DO NOTHING: redelivered messages are skipped. Returns the
   * ids that were new, so follow-up effects (counters) happen once per message.
   */
  async insertMany(messages: (ChatAcceptedV1 & { shown?: boolean })[]): Promise<Set<string>> {
    if (messages.length === 0) return new Set();
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(ChatMessageEntity)
      .values(
        messages.map((m) => ({
          messageId: m.messageId,
          broadcastId: m.broadcastId,
          userId: m.userId,
          userName: m.userName,
          roles: m.roles,
          text: m.text,
          clientMessageId: m.clientMessageId,
          acceptedAt: new Date(m.acceptedAt),
          shown: m.shown ?? true,
        })),
      )
      .orIgnore()
      .returning(['messageId'])
      .execute();
    return new Set((result.raw as { message_id: string }[]).map((r) => r.message_id));
  }

  async markDeleted(messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.dataSource.query('UPDATE chat.messages SET deleted_at = now() WHERE message_id = ANY($1::uuid[]) AND deleted_at IS NULL', [messageIds]);
  }

  countByBroadcast(broadcastId: string): Promise<number> {
    return this.dataSource.getRepository(ChatMessageEntity).countBy({ broadcastId });
  }
}
