import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

// numeric columns come back from pg as strings; keep money exact and convert at the edge
const numeric = { type: 'numeric' as const, precision: 12, scale: 2 };

@Entity({ name: 'broadcasts' })
export class BroadcastEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') title!: string;
  @Column({ name: 'seller_id', type: 'text' }) sellerId!: string;
  @Column({ name: 'scheduled_at', type: 'timestamptz' }) scheduledAt!: Date;
  @Column('text') status!: 'scheduled' | 'live' | 'ended';
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt!: Date | null;
  @Column({ name: 'stream_key', type: 'text' }) streamKey!: string;
  @Column({ name: 'stream_key_rotated_at', type: 'timestamptz', nullable: true }) streamKeyRotatedAt!: Date | null;
  @Column({ name: 'chat_slow_mode_seconds', type: 'int', default: 0 }) chatSlowModeSeconds!: number;
  @Column({ name: 'chat_display_budget', type: 'int', nullable: true }) chatDisplayBudget!: number | null;
  /** viewers the seller or an operator expects; big shows get their autoscalers pre-warmed */
  @Column({ name: 'expected_audience', type: 'int', nullable: true }) expectedAudience!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'products' })
export class ProductEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'seller_id', type: 'text' }) sellerId!: string;
  @Column('text') name!: string;
  @Column(numeric) price!: string;
  @Column('text') currency!: string;
  @Column({ name: 'image_url', type: 'text', nullable: true }) imageUrl!: string | null;
  @Column('int') stock!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'broadcast_products' })
export class BroadcastProductEntity {
  @PrimaryColumn({ name: 'broadcast_id', type: 'uuid' }) broadcastId!: string;
  @PrimaryColumn({ name: 'product_id', type: 'uuid' }) productId!: string;
  @Column('int') position!: number;
  @Column('boolean') pinned!: boolean;
}

@Entity({ name: 'coupons' })
export class CouponEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'broadcast_id', type: 'uuid' }) broadcastId!: string;
  @Column('text') name!: string;
  @Column({ name: 'discount_type', type: 'text' }) discountType!: 'percent' | 'amount';
  @Column({ name: 'discount_value', ...numeric }) discountValue!: string;
  @Column({ type: 'text', nullable: true }) currency!: string | null;
  @Column({ name: 'total_quantity', type: 'int' }) totalQuantity!: number;
  @Column({ name: 'per_user_limit', type: 'int' }) perUserLimit!: number;
  @Column({ name: 'valid_from', type: 'timestamptz' }) validFrom!: Date;
  @Column({ name: 'valid_until', type: 'timestamptz' }) validUntil!: Date;
  @Column('boolean') exposed!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'notices' })
export class NoticeEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'broadcast_id', type: 'uuid' }) broadcastId!: string;
  @Column('text') text!: string;
  @Column({ name: 'posted_at', type: 'timestamptz' }) postedAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'cleared_at', type: 'timestamptz', nullable: true }) clearedAt!: Date | null;
}

@Entity({ name: 'polls' })
export class PollEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'broadcast_id', type: 'uuid' }) broadcastId!: string;
  @Column('text') question!: string;
  @Column('jsonb') options!: string[];
  @Column('text') status!: 'draft' | 'open' | 'closed';
  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true }) openedAt!: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'bans' })
export class BanEntity {
  @PrimaryColumn('uuid') id!: string;
  /** null: a global ban, every show */
  @Column({ name: 'broadcast_id', type: 'uuid', nullable: true }) broadcastId!: string | null;
  @Column({ name: 'user_id', type: 'text' }) userId!: string;
  @Column('text') reason!: string;
  @Column({ type: 'timestamptz', nullable: true }) until!: Date | null;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'lifted_at', type: 'timestamptz', nullable: true }) liftedAt!: Date | null;
  @Column({ name: 'lifted_by', type: 'text', nullable: true }) liftedBy!: string | null;
}

@Entity({ name: 'audit_log' })
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'actor_id', type: 'text' }) actorId!: string;
  @Column({ name: 'actor_roles', type: 'text', array: true }) actorRoles!: string[];
  @Column('text') action!: string;
  @Column({ name: 'target_type', type: 'text' }) targetType!: string;
  @Column({ name: 'target_id', type: 'text' }) targetId!: string;
  @Column({ name: 'broadcast_id', type: 'uuid', nullable: true }) broadcastId!: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) details!: Record<string, unknown>;
  @Column({ name: 'correlation_id', type: 'text', nullable: true }) correlationId!: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at!: Date;
}

/** Events written in the same transaction as the change; the relay publishes them after commit. */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text') topic!: string;
  @Column('text') key!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column({ name: 'correlation_id', type: 'text', nullable: true }) correlationId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
}

export const managementEntities = [
  BroadcastEntity,
  ProductEntity,
  BroadcastProductEntity,
  CouponEntity,
  NoticeEntity,
  PollEntity,
  BanEntity,
  AuditLogEntity,
  OutboxEntity,
];
