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

  /**
   * The show's chat as viewers saw it, for the replay: lines the display budget showed, not
   * the suppressed ones, without deleted lines; oldest first, within [from, to).
   */
  async replayLines(broadcastId: string, from: Date, to: Date): Promise<ReplayChatLine[]> {
    const rows: { message_id: string; user_name: string; roles: string[]; text: string; accepted_at: Date }[] = await this.dataSource.query(
      `SELECT message_id, user_name, roles, text, accepted_at FROM chat.messages
        WHERE broadcast_id = $1 AND shown AND deleted_at IS NULL AND accepted_at >= $2 AND accepted_at < $3
        ORDER BY accepted_at, message_id`,
      [broadcastId, from, to],
    );
    return rows.map((r) => ({ messageId: r.message_id, userName: r.user_name, roles: r.roles, text: r.text, acceptedAt: r.accepted_at }));
  }
}

export interface ReplayChatLine {
  messageId: string;
  userName: string;
  roles: string[];
  text: string;
  acceptedAt: Date;
}
