import { randomUUID } from 'node:crypto';
import { OverlayChangedV1, Topics } from '@live/contracts';
import { AppProcess, recordJson, sleep, testEnv, waitFor } from '@live/testing';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Fixtures } from './fixtures';

// Events leave only after the write commits (transactional outbox), and a write that fails
// publishes nothing.
describe('management-api events follow commits', () => {
  const env = testEnv();
  let app: AppProcess;
  let fx: Fixtures;
  let consumer: Consumer;
  const seen: OverlayChangedV1[] = [];
  const pg = new Client({ connectionString: env.databaseUrl });
  const locker = new Client({ connectionString: env.databaseUrl });

  beforeAll(async () => {
    app = await AppProcess.start('management-api');
    fx = new Fixtures(app);
    await Promise.all([pg.connect(), locker.connect()]);
    consumer = new Kafka({ brokers: env.kafkaBrokers, clientId: 'outbox-int-spec', logLevel: logLevel.NOTHING }).consumer({
      groupId: `${env.topicPrefix}outbox-spec-${randomUUID()}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: `${env.topicPrefix}${Topics.OverlayChanged}`, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => {
      // the topic also holds the malformed overlay events live-bad-input publishes on purpose
      const e = recordJson<OverlayChangedV1>(message.value);
      if (e) seen.push(e);
    } });
  });

  afterAll(async () => {
    await consumer.disconnect();
    await Promise.all([pg.end(), locker.end()]);
    await app.stop();
  });

  const eventsOf = (broadcastId: string) => seen.filter((e) => e.broadcastId === broadcastId);

  it('publishes nothing while the write is uncommitted, and the event once it commits', async () => {
    const show = await fx.show(`seller-${randomUUID()}`);
    const coupon = await fx.coupon(show.id);
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM management.coupons WHERE id = $1 FOR UPDATE', [coupon.id]);

    const exposing = fx.admin.post(`/v1/broadcasts/${show.id}/coupons/${coupon.id}/expose`);
    await sleep(1_500);
    expect(eventsOf(show.id)).toEqual([]);
    expect((await pg.query('SELECT count(*)::int AS n FROM management.outbox WHERE key = $1 AND topic = $2', [show.id, Topics.OverlayChanged])).rows[0].n).toBe(0);

    await locker.query('COMMIT');
    expect((await exposing).status).toBe(200);
    await waitFor('overlay.show event', () => eventsOf(show.id).length === 1);
    expect(eventsOf(show.id)[0]).toMatchObject({ action: 'show', key: `coupon:${coupon.id}`, overlay: { kind: 'coupon', id: coupon.id } });
  });

  it('publishes nothing for a refused or failed write', async () => {
    const show = await fx.show(`seller-${randomUUID()}`);
    const coupon = await fx.coupon(show.id);
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/coupons/${coupon.id}/hide`)).status).toBe(409);

    // make Postgres itself reject one notice: the insert fails inside the transaction
    await pg.query(`ALTER TABLE management.notices ADD CONSTRAINT outbox_spec_no_boom CHECK (text <> 'boom')`);
    try {
      const failed = await fx.admin.post(`/v1/broadcasts/${show.id}/notices`, { text: 'boom' });
      expect(failed.status).toBe(500);
      expect(failed.body.code).toBe('INTERNAL');
    } finally {
      await pg.query('ALTER TABLE management.notices DROP CONSTRAINT outbox_spec_no_boom');
    }

    // a later good write gets through; nothing of the two failures came before it
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/notices`, { text: 'fine' })).status).toBe(201);
    // the relay publishes in commit order: once a later write's event is here, nothing of the
    // failures can still come before it
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/notices`, { text: 'marker' })).status).toBe(201);
    await waitFor('both notice events', () => eventsOf(show.id).length >= 2);
    expect(eventsOf(show.id).map((e) => [e.action, e.overlay?.kind, e.overlay?.data.text])).toEqual([
      ['show', 'notice', 'fine'],
      ['show', 'notice', 'marker'],
    ]);
    const audit = await pg.query('SELECT action FROM management.audit_log WHERE broadcast_id = $1 ORDER BY id', [show.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['broadcast.create', 'coupon.create', 'notice.post', 'notice.post']);
  });
});
