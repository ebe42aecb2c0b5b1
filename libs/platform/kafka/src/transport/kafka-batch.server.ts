import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import type { GroupName, TopicName } from '@live/contracts';
import { hostname } from 'node:os';
import { lastValueFrom } from 'rxjs';
import type { EventConsumer } from '../event-consumer';
import type { KafkaService } from '../kafka.service';
import type { ConsumerOptions, ConsumerTuning, EventBatch } from './consumer-options';

export const KAFKA_BATCH_TRANSPORT = Symbol('kafka-batch');

/** This process among the app's replicas: the pod's name (its hostname) and the pid. */
const replicaId = () => `${hostname().replace(/[^a-zA-Z0-9._-]/g, '-')}-${process.pid}`;

/**
 * Our Kafka transport for `@nestjs/microservices`. Nest's own (ServerKafka) handles one
 * message at a time, one group per app and no dead letters; this one keeps the platform's
 * EventConsumer underneath -- eachBatch micro-batches, offsets committed only after the
 * handler succeeded, bounded retries, isolation of the event at fault and `<topic>.dlt` --
 * and only routes each batch to the `@EventPattern(group, { topics })` handler of its group.
 *
 * The consumers are KafkaService's, so they stop (finishing and committing the batch in
 * hand) in its beforeApplicationShutdown, before sockets, Redis and the producer close.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  override readonly transportId = KAFKA_BATCH_TRANSPORT;
  /** handler failures come back to us (retry, isolate, dead-letter), not to Nest's logger */
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger('KafkaBatchServer');
  private readonly consumers: EventConsumer<TopicName>[] = [];

  constructor(private readonly kafka: KafkaService) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      for (const [group, handler] of this.messageHandlers) await this.subscribe(group as GroupName, handler);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async subscribe(group: GroupName, handler: MessageHandler): Promise<void> {
    const options = handler.extras as ConsumerOptions | undefined;
    if (!handler.isEventHandler) throw new Error(`${group}: Kafka groups take @EventPattern handlers, not @MessagePattern`);
    if (!options?.topics?.length) throw new Error(`@EventPattern('${group}') names no topics`);
    if (handler.next) throw new Error(`${group}: one handler per consumer group (two were declared)`);
    const { perReplica, ...spec } = options;
    const consumer = this.kafka.createConsumer({
      ...spec,
      ...(this.kafka.tuning(group) as ConsumerTuning | undefined),
      groupId: perReplica ? `${group}.${replicaId()}` : group,
      handleBatch: (events: EventBatch<TopicName>) => this.dispatch(handler, events),
    });
    this.consumers.push(consumer);
    await consumer.start();
    this.log.log(`${group} -> ${options.topics.join(', ')}`);
  }

  /** Runs the handler through Nest's pipeline (interceptors, filters) and waits for it. */
  private async dispatch(handler: MessageHandler, events: EventBatch<TopicName>): Promise<void> {
    const result = await handler(events);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  on(): never {
    throw new Error('KafkaBatchServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.kafka.kafka as T;
  }
}
