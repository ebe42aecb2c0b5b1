import { Injectable } from '@nestjs/common';
import { Principal } from '@live/auth';
import { TopicName, TopicPayloads, TopicSchemas } from '@live/contracts';
import { AuditLogEntity, OutboxEntity } from '@live/management-data-access';
import { currentCorrelationId } from '@live/logging';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxRelay } from './outbox.relay';

// distributive, so union payloads (moderation actions) keep their variants
type WithoutEnvelope<P> = P extends unknown ? Omit<P, 'eventId' | 'occurredAt'> : never;
type Payload<T extends TopicName> = WithoutEnvelope<TopicPayloads[T]>;

export interface TxContext {
  m: EntityManager;
  /** queues an event; it is published only if the transaction commits */
  emit<T extends TopicName>(topic: T, key: string, payload: Payload<T>): void;
  /** records the operator action in the audit log, in the same transaction */
  audit(action: string, target: { type: string; id: string; broadcastId?: string | null }, details?: Record<string, unknown>): void;
}

/**
 * Every write of management-api: the change, its audit entry and its events commit together
 * or not at all. Events reach Kafka through the outbox relay after the commit.
 */
@Injectable()
export class ManagementTx {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  async run<R>(user: Principal, fn: (tx: TxContext) => Promise<R>): Promise<R> {
    const correlationId = currentCorrelationId() ?? null;
    const result = await this.dataSource.transaction(async (m) => {
      const events: Partial<OutboxEntity>[] = [];
      const audits: Partial<AuditLogEntity>[] = [];
      const value = await fn({
        m,
        emit: (topic, key, payload) => {
          const now = new Date().toISOString();
          // validated here, inside the transaction: a bad event fails the write, never the relay
          const event = TopicSchemas[topic].parse({ eventId: randomUUID(), occurredAt: now, ...payload });
          events.push({ topic, key, payload: event as Record<string, unknown>, correlationId });
        },
        audit: (action, target, details = {}) => {
          audits.push({
            actorId: user.sub,
            actorRoles: user.roles,
            action,
            targetType: target.type,
            targetId: target.id,
            broadcastId: target.broadcastId ?? null,
            details,
            correlationId,
          });
        },
      });
      if (audits.length) await m.getRepository(AuditLogEntity).insert(audits as never);
      if (events.length) await m.getRepository(OutboxEntity).insert(events as never);
      return value;
    });
    void this.relay.kick();
    return result;
  }
}
