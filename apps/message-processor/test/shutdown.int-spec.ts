import { randomUUID } from 'node:crypto';
import { Topics, redisKeys } from '@live/contracts';
import { AppProcess, chatAccepted, testEnv, waitFor } from '@live/testing';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

// SIGTERM while a batch is in hand: the app finishes it, commits, leaves the group and exits 0
// within its bound; after a restart the message is not processed a second time.
const env = testEnv();
const keys = redisKeys(env.redisPhase);
const SHUTDOWN_TIMEOUT_MS = 15_000;

describe('message-processor graceful shutdown', () => {
  const pg = new Client({ connectionString: env.databaseUrl });
  const locker = new Client({ connectionString: env.databaseUrl });
  const redis = new Redis(env.redisUrl);
  const producer = new Kafka({ brokers: env.kafkaBrokers, clientId: 'shutdown-int-spec', logLevel: logLevel.NOTHING }).producer();

  beforeAll(async () => {
    await Promise.all([pg.connect(), locker.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([pg.end(), locker.end(), producer.disconnect()]);
    redis.disconnect();
  });

  it('finishes the held message on SIGTERM, exits 0, and does not process it again after restart', async () => {
    const env0 = { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
    let app = await AppProcess.start('message-processor', env0);
    const show = `show-${randomUUID()}`;
    const send = (value: object) =>
      producer.send({ topic: `${env.topicPrefix}${Topics.ChatAccepted}`, acks: -1, messages: [{ key: show, value: JSON.stringify(value) }] });
    const stored = (messageId: string) => async () => (await pg.query('SELECT 1 FROM chat.messages WHERE message_id = $1', [messageId])).rowCount === 1;

    // Caught up first: earlier files (in this lane) may have left chat lines the group has not
    // read yet, and the batch held below must be the one with our line in it.
    const first = chatAccepted(show, 'before the lock');
    await send(first);
    await waitFor('the group to catch up', stored(first.messageId));

    // Hold the consumer inside its batch: the insert waits on a table lock we own.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE chat.messages IN EXCLUSIVE MODE');
    const line = chatAccepted(show, 'held during shutdown');
    await send(line);
    await waitFor('the insert to wait on our lock', async () => {
      const r = await pg.query(
        // this database's sessions only: another run (or lane) may be inserting on the same server
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO "chat"."messages"%'`,
      );
      return r.rows[0].n > 0;
    });

    const stopping = app.stop('SIGTERM');
    await waitFor('the shutdown to begin', () => app.output.some((l) => l.includes('SIGTERM: shutting down')));
    expect(app.running).toBe(true); // still finishing the batch it holds
    await locker.query('COMMIT');
    const exit = await stopping;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(app.output.some((l) => l.includes('shutdown complete'))).toBe(true);
    expect((await pg.query('SELECT count(*)::int AS n FROM chat.messages WHERE message_id = $1', [line.messageId])).rows[0].n).toBe(1);

    // After a restart the group resumes after the committed offset: nothing is redone.
    app = await AppProcess.start('message-processor', env0);
    const marker = chatAccepted(show, 'after restart');
    await send(marker);
    await waitFor('marker stored', stored(marker.messageId));
    // the count follows the insert within the same window: wait for it, then it must be exactly 3
    await waitFor('marker counted', async () => Number(await redis.get(keys.broadcast.chatCount(show))) >= 3);
    expect(await redis.get(keys.broadcast.chatCount(show))).toBe('3');
    const consumed = await fetch(`${app.url}/metrics`).then((r) => r.text());
    // the restarted process read only the marker
    expect(consumed).toMatch(/chat_messages_consumed_total\{service="message-processor"\} 1\b/);
    expect((await app.stop('SIGTERM')).code).toBe(0);
  });
});
