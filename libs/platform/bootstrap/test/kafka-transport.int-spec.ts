import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { Groups, KafkaHeaders, Topics, deadLetterTopic } from '@live/contracts';
import { EventBatch, KafkaModule, KafkaService, NonRetriableError } from '@live/kafka';
import { currentCorrelationId } from '@live/logging';
import { chatAccepted, firstRecord, testEnv, waitFor } from '@live/testing';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { connectKafkaTransport } from '../src';

// The batch transport in a real Nest app against the real broker: an @EventPattern handler
// gets validated batches with the correlation id bound (and its publishes carry it), a
// failing event goes to the .dlt with the handler's own reason, and close stops the group.
const env = testEnv();
const prefix = `${env.topicPrefix}transport-${randomUUID().slice(0, 8)}.`;
const seen: { texts: string[]; correlationId?: string }[] = [];

@Controller()
class ProbeConsumer {
  constructor(private readonly kafka: KafkaService) {}

  @EventPattern(Groups.ChatDelivery, { topics: [Topics.ChatAccepted], maxAttempts: 2, retryBackoffMs: 50 })
  async handle(batch: EventBatch<typeof Topics.ChatAccepted>): Promise<void> {
    if (batch.some((e) => e.value.text === 'poison')) throw new NonRetriableError('the probe refuses poison');
    seen.push({ texts: batch.map((e) => e.value.text), correlationId: currentCorrelationId() });
    const [first] = batch;
    await this.kafka.publish(Topics.ChatSampled, first.value.broadcastId, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      broadcastId: first.value.broadcastId,
      shown: batch.map((e) => e.value.messageId),
      suppressed: [],
    });
  }
}

@Module({
  imports: [
    KafkaModule.forRoot({ clientId: 'transport-int-spec', brokers: env.kafkaBrokers, topicPrefix: prefix, defaultPartitions: 1, partitions: {}, publishTimeoutMs: 5_000, ensureTopics: true }),
  ],
  controllers: [ProbeConsumer],
})
class ProbeModule {}

describe('Kafka batch transport (real broker)', () => {
  let app: INestApplication;
  let producer: Producer;
  const topic = `${prefix}${Topics.ChatAccepted}`;

  beforeAll(async () => {
    app = await NestFactory.create(ProbeModule, { logger: false, abortOnError: false });
    connectKafkaTransport(app);
    await app.init();
    await app.startAllMicroservices();
    producer = new Kafka({ brokers: env.kafkaBrokers, clientId: 'transport-int-spec', logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await app?.close();
  });

  it('hands the handler validated batches under their correlation id, which its publishes carry', async () => {
    const show = `show-${randomUUID()}`;
    const line = chatAccepted(show, 'through the transport');
    await producer.send({ topic, acks: -1, messages: [{ key: show, value: JSON.stringify(line), headers: { [KafkaHeaders.CorrelationId]: 'corr-transport-1' } }] });
    await waitFor('the handler saw the line', () => seen.some((b) => b.texts.includes('through the transport')));
    expect(seen.find((b) => b.texts.includes('through the transport'))?.correlationId).toBe('corr-transport-1');
    const sampled = await firstRecord<{ broadcastId: string }>(`${prefix}${Topics.ChatSampled}`, (v) => v.broadcastId === show);
    expect(sampled.headers[KafkaHeaders.CorrelationId]).toBe('corr-transport-1');
  });

  it("dead-letters an event the handler refuses, with the handler's reason, and goes on", async () => {
    const show = `show-${randomUUID()}`;
    const poison = chatAccepted(show, 'poison');
    const after = chatAccepted(show, 'after the poison');
    await producer.send({ topic, acks: -1, messages: [poison, after].map((l) => ({ key: show, value: JSON.stringify(l) })) });
    const dead = await firstRecord<{ messageId: string }>(deadLetterTopic(topic), (v) => v.messageId === poison.messageId);
    expect(dead.headers[KafkaHeaders.DeadLetterReason]).toContain('the probe refuses poison');
    await waitFor('the next line handled', () => seen.some((b) => b.texts.includes('after the poison')));
  });
});
