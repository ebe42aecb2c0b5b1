import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  KafkaHeaders,
  TopicName,
  TopicPayloads,
  TopicSchemas,
  allTopics,
  deadLetterTopic,
} from '@live/contracts';
import { currentCorrelationId } from '@live/logging';
import { Admin, IHeaders, Kafka, logLevel, Message, Producer } from 'kafkajs';
import { CachedPartitioner } from './cached-partitioner';
import { PublishTimeoutError, withTimeout } from './errors';
import { EventConsumer, ConsumerSpec } from './event-consumer';
import { GroupCommitSender } from './group-commit';
import { quietIdleRequestQueues } from './idle-request-queues';
import { KAFKA_OPTIONS, KafkaOptions } from './kafka.options';

/** A record a consumer gave up on (bad JSON, schema violation, a handler's NonRetriableError). */
export interface DeadLetterNotice {
  /** logical topic (no prefix) */
  topic: string;
  groupId: string;
  reason: string;
}

export interface PublishRecord<T extends TopicName> {
  key: string;
  value: TopicPayloads[T];
  headers?: Record<string, string>;
}

// kafkajs logs retriable coordinator hiccups (normal right after a broker starts) as errors,
// and warns that bounded producer retries weaken exactly-once -- bounded on purpose: a
// caller must get an answer within KAFKA_PUBLISH_TIMEOUT_MS. Both go to debug.
const EXPECTED_NOISE = /coordinator is loading|coordinator is not available|not the correct coordinator|Limiting retries for the idempotent producer/i;

const TOPIC_LEADERS_TIMEOUT_MS = 30_000;
/** What a broker answers while a new topic's metadata is still on its way to it. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** Polls the topics' metadata until every partition has a leader, or rejects with what it saw last. */
async function waitForTopicLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      const leaderless = meta.topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
      if (leaderless.length === 0) return;
      last = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (err) {
      // kafkajs's retrier wraps the error it ran out of retries on in `cause`
      const e = err as { type?: string; cause?: { type?: string } };
      const type = e.type ?? e.cause?.type;
      if (!type || !NOT_YET.has(type)) throw err;
      last = type;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} had no leaders after ${timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const kafkajsToNestLevel = (logger: Logger) => () =>
  ({ level, log }: { level: logLevel; log: { message: string; error?: string } & Record<string, unknown> }) => {
    const { message, ...rest } = log;
    const line = `${message} ${JSON.stringify(rest)}`;
    if (EXPECTED_NOISE.test(`${message} ${log.error ?? ''}`)) logger.debug(line);
    else if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.debug(line);
  };

/**
 * The one Kafka client of an app: an idempotent acks=all producer, topic creation from the
 * contracts, consumers, and a readiness probe. Topic names in the API are the logical
 * contract names; the configured prefix is applied here and nowhere else.
 */
@Injectable()
export class KafkaService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly sender: GroupCommitSender;
  private admin?: Admin;
  private readonly consumers = new Set<EventConsumer<TopicName>>();

  constructor(@Inject(KAFKA_OPTIONS) readonly options: KafkaOptions) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    quietIdleRequestQueues();
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
      logLevel: logLevel.WARN,
      logCreator: kafkajsToNestLevel(this.logger),
    });
    // Idempotent with one request in flight: retries cannot reorder or duplicate a key's records.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: CachedPartitioner,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 2_000 },
    });
    this.sender = new GroupCommitSender(this.producer);
  }

  topicName(topic: string): string {
    return `${this.options.topicPrefix}${topic}`;
  }

  groupName(groupId: string): string {
    return `${this.options.topicPrefix}${groupId}`;
  }

  logicalTopic(physical: string): string {
    const p = this.options.topicPrefix;
    return p && physical.startsWith(p) ? physical.slice(p.length) : physical;
  }

  async onModuleInit(): Promise<void> {
    if (this.options.ensureTopics) await this.ensureTopics();
    await this.producer.connect();
  }

  /**
   * Creates every contract topic and its .dlt; existing ones are left as they are. Resolves once
   * every wanted topic has a leader for each partition, whoever created it.
   */
  async ensureTopics(topics: readonly string[] = allTopics()): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = topics.flatMap((t) => [t, deadLetterTopic(t)]);
      const missing = wanted.filter((t) => !existing.has(this.topicName(t)));
      if (missing.length === 0) return;
      try {
        // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a busy
        // KRaft broker answers for a topic its controller has made but its metadata not yet
        // caught up with: waitForTopicLeaders below waits through that.
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((t) => ({
            topic: this.topicName(t),
            numPartitions: this.options.partitions[t] ?? this.options.defaultPartitions,
            replicationFactor: -1,
          })),
        });
      } catch (err) {
        // several apps start together and race to create the same topics: losing is fine
        const errors = (err as { errors?: { type?: string }[] }).errors ?? [err as { type?: string }];
        if (!errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) throw err;
      }
      await waitForTopicLeaders(admin, missing.map((t) => this.topicName(t)), TOPIC_LEADERS_TIMEOUT_MS);
      this.logger.log(`created topics: ${missing.map((t) => this.topicName(t)).join(', ')}`);
    } finally {
      await admin.disconnect();
    }
  }

  /** Resolves once the broker has every record (acks=all), or rejects within the publish bound. */
  async publish<T extends TopicName>(topic: T, key: string, value: TopicPayloads[T], headers?: Record<string, string>) {
    await this.publishMany(topic, [{ key, value, headers }]);
  }

  /**
   * One produce request for many records. Each is validated against its topic's schema on the
   * way out (a bad producer must fail loudly, not poison consumers); `check: 'first'` validates
   * only the first, for a hot path whose records are all built by the same typed code from
   * input already checked (the hearts log: thousands a second, where the check cost about as
   * much as encoding the record); `check: 'none'` leaves it to the caller, which checks a
   * sample of its own (the hearts log: a record of many batches, checked with its first).
   * `background`: a log nobody waits on; its records fill what room a produce request has after
   * those of callers that wait (see GroupCommitSender).
   */
  async publishMany<T extends TopicName>(topic: T, records: PublishRecord<T>[], opts: { check?: 'each' | 'first' | 'none'; background?: boolean } = {}): Promise<void> {
    if (records.length === 0) return;
    const schema = TopicSchemas[topic];
    const correlationId = currentCorrelationId();
    const checkAll = opts.check === undefined || opts.check === 'each';
    const checkFirst = opts.check === 'first';
    // one headers object for the records that add none of their own (kafkajs only reads it)
    const shared: IHeaders = { [KafkaHeaders.EventType]: topic, ...(correlationId ? { [KafkaHeaders.CorrelationId]: correlationId } : {}) };
    const messages: Message[] = records.map((r, i) => {
      const parsed = checkAll || (checkFirst && i === 0) ? schema.parse(r.value) : r.value;
      return { key: r.key, value: JSON.stringify(parsed), headers: r.headers ? { ...shared, ...r.headers } : shared };
    });
    await this.sendRaw(this.topicName(topic), messages, { background: opts.background });
  }

  /** For dead letters and tools: a physical topic name and ready-made messages. */
  async sendRaw(physicalTopic: string, messages: Message[], { background = false } = {}): Promise<void> {
    const ms = this.options.publishTimeoutMs;
    await withTimeout(
      this.sender.send(physicalTopic, messages, { background }),
      ms,
      () => new PublishTimeoutError(physicalTopic, ms),
    );
  }

  async sendToDeadLetter(
    sourcePhysicalTopic: string,
    message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders; partition: number; offset: string },
    reason: string,
    groupId: string,
  ): Promise<void> {
    const headers: IHeaders = { ...(message.headers ?? {}) };
    headers[KafkaHeaders.DeadLetterReason] = reason.slice(0, 1000);
    headers[KafkaHeaders.DeadLetterSourceTopic] = sourcePhysicalTopic;
    headers[KafkaHeaders.DeadLetterSourcePartition] = String(message.partition);
    headers[KafkaHeaders.DeadLetterSourceOffset] = message.offset;
    headers[KafkaHeaders.DeadLetterGroup] = groupId;
    await this.sendRaw(deadLetterTopic(sourcePhysicalTopic), [{ key: message.key, value: message.value, headers }]);
    const dead = { topic: this.logicalTopic(sourcePhysicalTopic), groupId, reason };
    for (const listener of this.deadLetterListeners) listener(dead);
  }

  private readonly deadLetterListeners = new Set<(dead: DeadLetterNotice) => void>();

  /** Tells an app about each record its consumers dead-lettered (for its own log and metric); returns the unsubscribe. */
  onDeadLetter(listener: (dead: DeadLetterNotice) => void): () => void {
    this.deadLetterListeners.add(listener);
    return () => this.deadLetterListeners.delete(listener);
  }

  private readonly tunings = new Map<string, Partial<ConsumerSpec<TopicName>>>();

  /** Run-time options of a consumer group (ConsumerTuningProvider), merged by the transport. */
  tune<O extends Partial<ConsumerSpec<TopicName>>>(groupId: string, options: O): O {
    this.tunings.set(groupId, options);
    return options;
  }

  tuning(groupId: string): Partial<ConsumerSpec<TopicName>> | undefined {
    return this.tunings.get(groupId);
  }

  /** The platform's consumer; apps declare theirs with @EventPattern (KafkaBatchServer). */
  createConsumer<T extends TopicName>(spec: ConsumerSpec<T>): EventConsumer<T> {
    const consumer = new EventConsumer<T>(this, spec);
    this.consumers.add(consumer as unknown as EventConsumer<TopicName>);
    return consumer;
  }

  /** Readiness: the broker answers a metadata request within the bound. */
  async checkHealth(timeoutMs = 3_000): Promise<{ brokers: number }> {
    try {
      if (!this.admin) {
        this.admin = this.kafka.admin({ retry: { retries: 0 } });
        await withTimeout(this.admin.connect(), timeoutMs, () => new Error('kafka connect timed out'));
      }
      const cluster = await withTimeout(this.admin.describeCluster(), timeoutMs, () => new Error('kafka describeCluster timed out'));
      return { brokers: cluster.brokers.length };
    } catch (err) {
      // drop the admin so the next probe starts from a fresh connection
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Consumers stop before anything else closes: the batch in hand finishes against a live
   * database and Redis, its offsets are committed, and the group is left cleanly.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }

  /** The producer goes last: every other shutdown hook may still publish. */
  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch((err) => this.logger.warn(`producer disconnect: ${err}`));
    await this.admin?.disconnect().catch(() => undefined);
  }
}
