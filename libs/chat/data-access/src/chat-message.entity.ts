import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every accepted chat line, shown or not: the record for replay, moderation and stats. */
@Entity({ name: 'messages' })
@Index('messages_broadcast_accepted_idx', ['broadcastId', 'acceptedAt'])
export class ChatMessageEntity {
  @PrimaryColumn({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ name: 'broadcast_id', type: 'text' })
  broadcastId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'user_name', type: 'text' })
  userName!: string;

  @Column({ name: 'roles', type: 'text', array: true })
  roles!: string[];

  @Column({ name: 'text', type: 'text' })
  text!: string;

  @Column({ name: 'client_message_id', type: 'text' })
  clientMessageId!: string;

  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  @Column({ name: 'stored_at', type: 'timestamptz', default: () => 'now()' })
  storedAt!: Date;

  /** false when the room's display budget left the line out (it is stored and counted all the same) */
  @Column({ name: 'shown', type: 'boolean', default: true })
  shown!: boolean;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
