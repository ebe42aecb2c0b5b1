import { randomUUID } from 'node:crypto';
import { KafkaHeaders, Topics, redisKeys } from '@live/contracts';
import { AppProcess, chatAccepted, firstRecord, testEnv, testRedis, waitFor } from '@live/testing';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { Client } from 'pg';

// An event sent through the real broker reaches message-processor's consumer group, and its
// effect is visible in Postgres (chat.messages) and in Redis (recent lines, count).
const env = testEnv();
const keys = redisKeys(env.redisPhase);

describe('message-processor delivery (real Kafka, Postgres, Redis)', () => {
  let app: AppProcess;
  let producer: Producer;
  const pg = new Client({ connectionString: env.databaseUrl });
  const redis = testRedis();
  const topic = `${env.topicPrefix}${Topics.ChatAccepted}`;

  beforeAll(async () => {
    app = await AppProcess.start('message-processor', { LOG_LEVEL: 'debug', CHAT_DISPLAY_BUDGET: '1000' });
    producer = new Kafka({ brokers: env.kafkaBrokers, clientId: 'delivery-int-spec', logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await pg.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await pg.end();
    redis.disconnect();
    await app.stop();
  });

  /** the show's chat log stream: what joiners and reconnecting viewers read */
  const logged = async (broadcastId: string) =>
    ((await redis.xrange(keys.broadcast.chatLog(broadcastId), '-', '+')) as [string, string[]][]).map(([seq, f]) => ({ ...JSON.parse(f[1]), seq }));

  const stored = async (broadcastId: string) =>
    (await pg.query('SELECT message_id, text FROM chat.messages WHERE broadcast_id = $1 ORDER BY accepted_at', [broadcastId])).rows;

  it('stores the line in Postgres and lists and counts it in Redis', async () => {
    const show = `show-${randomUUID()}`;
    const line = chatAccepted(show, 'first!');
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: show, value: JSON.stringify(line), headers: { [KafkaHeaders.CorrelationId]: 'corr-delivery-1' } }],
    });

    const rows = await waitFor('row in chat.messages', async () => {
      const r = await stored(show);
      return r.length ? r : undefined;
    });
    expect(rows).toEqual([{ message_id: line.messageId, text: 'first!' }]);
    await waitFor('redis count', async () => (await redis.get(keys.broadcast.chatCount(show))) === '1');
    const recent = await logged(show);
    expect(recent.map((l) => l.messageId)).toEqual([line.messageId]);
    expect(recent[0].seq).toMatch(/^\d+-\d+$/);
    // the correlation id of the Kafka record reaches the consumer's logs
    await waitFor('correlation id in consumer logs', () => app.output.some((l) => l.includes('corr-delivery-1')));
    // ...and every record the handler publishes: the window's sampling event carries it
    const sampled = await firstRecord<{ broadcastId: string; shown: string[] }>(`${env.topicPrefix}${Topics.ChatSampled}`, (v) => v.broadcastId === show);
    expect(sampled.value.shown).toEqual([line.messageId]);
    expect(sampled.headers[KafkaHeaders.CorrelationId]).toBe('corr-delivery-1');
  });

  it('stores, counts and logs a redelivered message once, in one consumer batch or a later one', async () => {
    const show = `show-${randomUUID()}`;
    const line = chatAccepted(show, 'again');
    const record = { key: show, value: JSON.stringify(line) };
    await producer.send({ topic, acks: -1, messages: [record, record] });
    // the redelivery once the first is handled: a batch of its own, which the log must not add again
    await waitFor('first delivery logged', async () => (await logged(show)).length === 1);
    await producer.send({ topic, acks: -1, messages: [record] });
    const marker = chatAccepted(show, 'marker');
    await producer.send({ topic, acks: -1, messages: [{ key: show, value: JSON.stringify(marker) }] });

    await waitFor('marker logged', async () => (await logged(show)).some((l) => l.text === 'marker'));
    // the count is raised after the line is logged, before its window's sampling event: once
    // that event is out, the marker's window is done
    await firstRecord<{ broadcastId: string; shown: string[] }>(`${env.topicPrefix}${Topics.ChatSampled}`, (v) => v.broadcastId === show && v.shown.includes(marker.messageId));
    expect((await stored(show)).map((r) => r.text)).toEqual(['again', 'marker']);
    expect(await redis.get(keys.broadcast.chatCount(show))).toBe('2');
    expect((await logged(show)).map((l) => l.text)).toEqual(['again', 'marker']);
  });

  it('does not bring back a line a moderator deleted when its event is delivered again', async () => {
    const show = `show-${randomUUID()}`;
    const line = chatAccepted(show, 'deleted later');
    const record = { key: show, value: JSON.stringify(line) };
    await producer.send({ topic, acks: -1, messages: [record] });
    await waitFor('line logged', async () => (await logged(show)).length === 1);
    const deletion = { eventId: randomUUID(), occurredAt: new Date().toISOString(), action: 'message.deleted', broadcastId: show, messageId: line.messageId };
    await producer.send({ topic: `${env.topicPrefix}${Topics.ModerationAction}`, acks: -1, messages: [{ key: show, value: JSON.stringify(deletion) }] });
    await waitFor('line gone from the log', async () => (await logged(show)).length === 0);
    await producer.send({ topic, acks: -1, messages: [record] });
    const marker = chatAccepted(show, 'marker');
    await producer.send({ topic, acks: -1, messages: [{ key: show, value: JSON.stringify(marker) }] });

    await waitFor('marker logged', async () => (await logged(show)).some((l) => l.text === 'marker'));
    expect((await logged(show)).map((l) => l.text)).toEqual(['marker']);
  });

  it('keeps per-show order for lines sent in sequence', async () => {
    const show = `show-${randomUUID()}`;
    const lines = Array.from({ length: 30 }, (_, i) => chatAccepted(show, `line ${i}`));
    for (const l of lines) await producer.send({ topic, acks: -1, messages: [{ key: show, value: JSON.stringify(l) }] });
    await waitFor('30 lines logged', async () => (await logged(show)).length === 30);
    expect((await logged(show)).map((l) => l.text)).toEqual(lines.map((l) => l.text));
  });
});
