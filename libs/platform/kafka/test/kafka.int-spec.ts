import { randomUUID } from 'node:crypto';
import { HeartsTappedV2, KafkaHeaders, Topics, deadLetterTopic } from '@live/contracts';
import { runWithCorrelationId } from '@live/logging';
import { chatAccepted, testEnv, waitFor } from '@live/testing';
import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { ConsumedEvent, KafkaService, NonRetriableError } from '../src';

// The platform Kafka helpers against the real broker: publish with correlation headers,
// eachBatch consumption with commits, dead letters with a reason.
const env = testEnv();
// each test file gets its own prefix below the run's, so groups and topics start empty
const prefix = `${env.topicPrefix}kafka-lib-${randomUUID().slice(0, 8)}.`;

describe('platform kafka (real broker)', () => {
  let service: KafkaService;
  const raw = new Kafka({ brokers: env.kafkaBrokers, clientId: 'kafka-int-spec', logLevel: logLevel.NOTHING });
  const rawConsumers: Consumer[] = [];

  async function readTopic(physicalTopic: string, until: (msgs: KafkaMessage[]) => boolean): Promise<KafkaMessage[]> {
    const consumer = raw.consumer({ groupId: `${prefix}reader-${randomUUID()}` });
    rawConsumers.push(consumer);
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: physicalTopic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await waitFor(`records on ${physicalTopic}`, () => until(seen), { timeoutMs: 30_000 });
    return seen;
  }

  beforeAll(async () => {
    service = new KafkaService({
      clientId: 'kafka-int-spec',
      brokers: env.kafkaBrokers,
      topicPrefix: prefix,
      defaultPartitions: 2,
      partitions: { [Topics.BroadcastLifecycle]: 1 },
      publishTimeoutMs: 5_000,
      ensureTopics: true,
    });
    await service.onModuleInit();
  });

  afterAll(async () => {
    await Promise.all(rawConsumers.map((c) => c.disconnect()));
    await service.beforeApplicationShutdown();
    await service.onApplicationShutdown();
  });

  it('creates every contract topic and its .dlt with the configured partition counts', async () => {
    const admin = raw.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({
      topics: [`${prefix}${Topics.ChatAccepted}`, `${prefix}${deadLetterTopic(Topics.ChatAccepted)}`, `${prefix}${Topics.BroadcastLifecycle}`],
    });
    await admin.disconnect();
    const partitions = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
    expect(partitions[`${prefix}${Topics.ChatAccepted}`]).toBe(2);
    expect(partitions[`${prefix}${deadLetterTopic(Topics.ChatAccepted)}`]).toBe(2);
    expect(partitions[`${prefix}${Topics.BroadcastLifecycle}`]).toBe(1);
  });

  it('carries the correlation id of the caller into the record headers', async () => {
    const line = chatAccepted('corr-show');
    await runWithCorrelationId('corr-abc-123', () => service.publish(Topics.ChatAccepted, line.broadcastId, line));
    const msgs = await readTopic(`${prefix}${Topics.ChatAccepted}`, (m) => m.some((x) => x.value?.toString().includes(line.messageId)));
    const mine = msgs.find((x) => x.value?.toString().includes(line.messageId))!;
    expect(mine.headers?.[KafkaHeaders.CorrelationId]?.toString()).toBe('corr-abc-123');
    expect(mine.headers?.[KafkaHeaders.EventType]?.toString()).toBe(Topics.ChatAccepted);
    expect(mine.key?.toString()).toBe('corr-show');
  });

  it('refuses to publish a payload that breaks its contract', async () => {
    const bad = { ...chatAccepted('b'), text: '' };
    await expect(service.publish(Topics.ChatAccepted, 'b', bad)).rejects.toThrow();
  });

  it('checks every record by default, the first with `first`, none with `none` (the caller checked)', async () => {
    const good = chatAccepted('c');
    const bad = { ...chatAccepted('c'), text: '' };
    const records = (values: object[]) => values.map((value) => ({ key: 'c', value: value as typeof good }));
    await expect(service.publishMany(Topics.ChatAccepted, records([good, bad]))).rejects.toThrow();
    await expect(service.publishMany(Topics.ChatAccepted, records([bad, good]), { check: 'first' })).rejects.toThrow();
    // what the hot path trades: a later record is not checked
    await service.publishMany(Topics.ChatAccepted, records([good, bad]), { check: 'first' });
    await service.publishMany(Topics.ChatAccepted, records([bad]), { check: 'none' });
    const msgs = await readTopic(`${prefix}${Topics.ChatAccepted}`, (m) => m.filter((x) => x.key?.toString() === 'c').length >= 3);
    expect(msgs.filter((x) => x.key?.toString() === 'c')).toHaveLength(3);
  });

  it('keeps a request under the broker record-batch limit: a heart log past 1 MB of one partition does not fail a publish riding with it', async () => {
    // records of ~300 KB, all to one partition, queued together behind a first request: merged,
    // they would make a 1.5 MB batch, which the broker refuses, and every caller in it with it
    const show = `big-${randomUUID().slice(0, 8)}`;
    const record = (): HeartsTappedV2 => ({
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      broadcastId: show,
      batches: Array.from({ length: 500 }, (_, i) => ({
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        userId: `viewer-${i}`,
        batchId: `b${i}`,
        taps: Array.from({ length: 60 }, (_, k) => 1_000_000 + k),
        totalAfter: i + 1,
      })),
    });
    const logged = Array.from({ length: 6 }, () => service.publishMany(Topics.HeartsTappedV2, [{ key: show, value: record() }], { check: 'none', background: true }));
    const line = chatAccepted('rider');
    const waiting = service.publish(Topics.ChatAccepted, line.broadcastId, line);
    await Promise.all([...logged, waiting]);
    const msgs = await readTopic(`${prefix}${Topics.HeartsTappedV2}`, (m) => m.filter((x) => x.key?.toString() === show).length >= 6);
    expect(msgs.filter((x) => x.key?.toString() === show)).toHaveLength(6);
  });

  it('consumes in batches, dead-letters bad records with the reason, and commits', async () => {
    const handled: ConsumedEvent<typeof Topics.BroadcastLifecycle>[] = [];
    const poisonId = randomUUID();
    const consumer = service.createConsumer({
      groupId: 'lifecycle-int',
      topics: [Topics.BroadcastLifecycle],
      maxAttempts: 2,
      retryBackoffMs: 10,
      handleBatch: async (events) => {
        if (events.some((e) => e.value.eventId === poisonId)) throw new NonRetriableError('seller unknown');
        handled.push(...events);
      },
    });
    const topic = `${prefix}${Topics.BroadcastLifecycle}`;
    const good = (status: 'live' | 'ended', eventId = randomUUID()) => ({
      eventId,
      occurredAt: new Date().toISOString(),
      broadcastId: 'show-1',
      sellerId: 's1',
      status,
      at: new Date().toISOString(),
    });
    await service.sendRaw(topic, [
      { key: 'show-1', value: JSON.stringify(good('live')) },
      { key: 'show-1', value: '{not json' },
      { key: 'show-1', value: JSON.stringify({ ...good('live'), status: 'paused' }) },
      { key: 'show-1', value: JSON.stringify(good('ended', poisonId)) },
      { key: 'show-1', value: JSON.stringify(good('ended')) },
    ]);
    await consumer.start();
    await waitFor('both good events handled', () => handled.length === 2, { timeoutMs: 30_000 });
    expect(handled.map((e) => e.value.status)).toEqual(['live', 'ended']);

    const dead = await readTopic(`${prefix}${deadLetterTopic(Topics.BroadcastLifecycle)}`, (m) => m.length >= 3);
    const reasons = dead.map((m) => m.headers?.[KafkaHeaders.DeadLetterReason]?.toString());
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining('invalid JSON'),
        expect.stringContaining('schema violation at status'),
        expect.stringContaining('seller unknown'),
      ]),
    );
    expect(dead.every((m) => m.headers?.[KafkaHeaders.DeadLetterSourceTopic]?.toString() === topic)).toBe(true);

    await consumer.stop();
    const admin = raw.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: consumer.groupId, topics: [topic] });
    await admin.disconnect();
    expect(offsets.partitions[0].offset).toBe('5');
  });
});
