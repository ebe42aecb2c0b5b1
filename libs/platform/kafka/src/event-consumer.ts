import { Logger } from '@nestjs/common';
import { KafkaHeaders, TopicName, TopicPayloads, TopicSchemas } from '@live/contracts';
import { runWithCorrelationId } from '@live/logging';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { NonRetriableError, isTransient } from './errors';
import type { KafkaService } from './kafka.service';

export interface ConsumedEvent<T extends TopicName> {
  topic: T;
  partition: number;
  offset: string;
  key: string | null;
  value: TopicPayloads[T];
  correlationId?: string;
  /** broker timestamp, ms */
  timestamp: number;
}

export interface ConsumerSpec<T extends TopicName> {
  /** logical group id; the topic prefix is applied for isolation */
  groupId: string;
  topics: readonly T[];
  /**
   * Handles one Kafka batch (one partition). Must be idempotent: after a crash the same
   * events come again. Throwing retries the batch; a NonRetriableError (or an event that
   * keeps failing on its own) goes to `<topic>.dlt` with the reason.
   */
  handleBatch(events: ConsumedEvent<T>[]): Promise<void>;
  maxAttempts?: number;
  retryBackoffMs?: number;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  /**
   * The fetch window: the broker answers when minBytes are there or maxWaitTimeInMs has
   * passed. A micro-batching consumer sets minBytes high so a batch spans the whole window.
   */
  fetch?: { minBytes?: number; maxWaitTimeInMs?: number; maxBytesPerPartition?: number };
}

/**
 * The fetch window of a consumer nobody waits on: what it does with an event (persist it, issue
 * a coupon code, queue a webhook) comes after an answer already given, once the event was in
 * the log. Left at one byte, such consumers fetched a coupon drop's claims a few at a time, with
 * a round of queries and an offset commit each, on the cores the drop's answers needed (#17,
 * docs/benchmarks.md, round 10). The broker holds a fetch until a partition's worth is there
 * (1 MB: what one fetch takes of a partition at most, so a consumer that is behind is never held
 * back) or half a second has passed. A drop's winners (a thousand claims are ~0.4 MB) are so
 * taken once the drop has been answered, not in the middle of it: at 256 KB, as before round 15,
 * their fetch came back mid-drop and its work took the cores the claims were waiting for. A
 * lone event waits at most half a second more, as it did.
 */
export const BULK_FETCH = { minBytes: 1024 * 1024, maxWaitTimeInMs: 500, maxBytesPerPartition: 1024 * 1024 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const header = (m: KafkaMessage, name: string): string | undefined => {
  const v = m.headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
};

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * A consumer group member: eachBatch with manual offset resolution, offsets committed only
 * after the handler succeeded, bounded retries, dead letters with the reason, and a clean
 * stop (finish the batch in hand, commit, leave the group).
 */
export class EventConsumer<T extends TopicName> {
  private readonly logger: Logger;
  private consumer?: Consumer;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  readonly groupId: string;

  constructor(
    private readonly kafka: KafkaService,
    private readonly spec: ConsumerSpec<T>,
  ) {
    this.groupId = kafka.groupName(spec.groupId);
    this.logger = new Logger(`Consumer:${spec.groupId}`);
    this.maxAttempts = spec.maxAttempts ?? 3;
    this.backoffMs = spec.retryBackoffMs ?? 200;
  }

  get running(): boolean {
    return this.consumer !== undefined && !this.stopping;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const consumer = this.kafka.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.spec.sessionTimeout ?? 15_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 30_000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 5_000 },
      ...this.spec.fetch,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error(`consumer crashed: ${describe(payload.error)} (restart by kafkajs: ${payload.restart})`);
      // kafkajs restarts itself on retriable errors; for the rest we start a fresh member
      if (!payload.restart && !this.stopping) this.scheduleRestart();
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: this.spec.topics.map((t) => this.kafka.topicName(t)),
      fromBeginning: this.spec.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.spec.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.logger.log(`consuming ${this.spec.topics.join(', ')} as ${this.groupId}`);
  }

  private scheduleRestart(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      const old = this.consumer;
      this.consumer = undefined;
      void (old?.disconnect() ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => (this.stopping ? undefined : this.start()))
        .catch((err) => {
          this.logger.error(`restart failed: ${describe(err)}`);
          if (!this.stopping) this.scheduleRestart();
        });
    }, 2_000);
  }

  /** Finishes the batch in hand, commits it and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch((err) => this.logger.warn(`disconnect: ${describe(err)}`));
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    if (batch.messages.length === 0) return;
    const topic = this.kafka.logicalTopic(batch.topic) as T;
    const schema = TopicSchemas[topic];
    const valid: { message: KafkaMessage; event: ConsumedEvent<T> }[] = [];
    for (const message of batch.messages) {
      const parsed = this.parse(schema, message);
      if (typeof parsed === 'string') {
        await this.deadLetter(batch.topic, batch.partition, message, parsed);
        continue;
      }
      valid.push({
        message,
        event: {
          topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: parsed as TopicPayloads[T],
          correlationId: header(message, KafkaHeaders.CorrelationId),
          timestamp: Number(message.timestamp),
        },
      });
    }

    if (valid.length > 0) {
      const done = await this.deliver(valid.map((v) => v.event), batch.topic, batch.partition, heartbeat, isRunning);
      // stopped mid-retry: hand the batch back uncommitted, the next owner gets it again
      if (!done || isStale()) return;
    }
    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    // Explicit offsets go straight to the group coordinator, also while the consumer is
    // stopping (consumer.commitOffsets() is skipped then, and the batch would come again).
    await commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }],
    });
    await heartbeat();
  }

  private parse(schema: (typeof TopicSchemas)[T], message: KafkaMessage): unknown | string {
    if (!message.value) return 'empty record value';
    let json: unknown;
    try {
      json = JSON.parse(message.value.toString('utf8'));
    } catch (err) {
      return `invalid JSON: ${describe(err)}`;
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      return `schema violation at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    }
    return result.data;
  }

  /** true when every event was handled or dead-lettered; false when we stopped first. */
  private async deliver(
    events: ConsumedEvent<T>[],
    physicalTopic: string,
    partition: number,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    let lastError: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.spec.handleBatch(events);
        return true;
      } catch (err) {
        lastError = err;
        if (err instanceof NonRetriableError) break;
        const transient = isTransient(err);
        this.logger.warn(
          `batch of ${events.length} from ${physicalTopic}[${partition}] failed (attempt ${attempt}${transient ? ', dependency down' : ''}): ${describe(err)}`,
        );
        // a dependency outage is waited out, never dead-lettered
        if (!transient && attempt >= this.maxAttempts) break;
        if (!isRunning() || this.stopping) return false;
        await sleep(Math.min(this.backoffMs * 2 ** Math.min(attempt - 1, 5), 5_000));
        await heartbeat().catch(() => undefined);
      }
    }

    // Isolate the events that fail on their own; the rest are handled normally.
    this.logger.warn(`isolating ${events.length} events after: ${describe(lastError)}`);
    for (const event of events) {
      try {
        await this.spec.handleBatch([event]);
      } catch (err) {
        if (isTransient(err)) throw err; // let kafkajs retry the whole batch later
        await this.deadLetter(physicalTopic, partition, { offset: event.offset, key: event.key, value: event.value, correlationId: event.correlationId }, describe(err));
      }
    }
    return true;
  }

  private async deadLetter(
    physicalTopic: string,
    partition: number,
    message: KafkaMessage | { offset: string; key: string | null; value: unknown; correlationId?: string },
    reason: string,
  ): Promise<void> {
    const raw =
      'timestamp' in message
        ? { key: message.key, value: message.value, headers: message.headers }
        : {
            key: message.key === null ? null : Buffer.from(message.key),
            value: Buffer.from(JSON.stringify(message.value)),
            headers: message.correlationId ? { [KafkaHeaders.CorrelationId]: message.correlationId } : {},
          };
    const correlationId = 'timestamp' in message ? header(message, KafkaHeaders.CorrelationId) : message.correlationId;
    await runWithCorrelationId(correlationId ?? 'none', async () => {
      this.logger.warn(`dead-lettering ${physicalTopic}[${partition}]@${message.offset}: ${reason} correlationId=${correlationId ?? '-'}`);
      await this.kafka.sendToDeadLetter(physicalTopic, { ...raw, partition, offset: message.offset }, reason, this.groupId);
    });
  }
}
