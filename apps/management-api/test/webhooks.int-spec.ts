import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { AppProcess, freePort, http, tokenFor, waitFor } from '@live/testing';
import { Topics } from '@live/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { testEnv } from '@live/testing';

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1: records what it gets and answers what the test says. */
class Receiver {
  readonly received: Received[] = [];
  answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(204).end();
  private server?: Server;

  async listen(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        this.answer(req, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  events(type: string) {
    return this.received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// Webhooks against real Kafka and Postgres with real local receivers: signed deliveries, a
// receiver that is down for a while, one that hangs, one that keeps failing (disabled), replay,
// and the SSRF refusals. The retry schedule is shortened through config so this runs in seconds.
describe('webhooks', () => {
  let app: AppProcess;
  const pg = new Client({ connectionString: testEnv().databaseUrl });
  const receivers: Receiver[] = [];
  const admin = () => http(app.url, tokenFor('hooks-admin', ['admin']));

  beforeAll(async () => {
    app = await AppProcess.start('management-api', {
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE_MS: Array(12).fill(250).join(','),
      WEBHOOK_DISABLE_AFTER_MS: '2500',
      WEBHOOK_TIMEOUT_MS: '800',
      WEBHOOK_POLL_MS: '100',
    });
    await pg.connect();
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await pg.end();
    await app.stop();
  });

  async function receiver(port?: number) {
    const r = await new Receiver().listen(port);
    receivers.push(r);
    return r;
  }

  async function sellerWithEndpoint(url: string, eventTypes = ['show.started', 'show.ended', 'product.pinned']) {
    const sellerId = `seller-${randomUUID()}`;
    const api = http(app.url, tokenFor(sellerId, ['seller']));
    const created = await api.post('/v1/webhooks/endpoints', { url, eventTypes, description: 'shop' });
    expect(created.status).toBe(201);
    return { sellerId, api, endpoint: created.body as { id: string; secret: string; enabled: boolean } };
  }

  async function startShow(api: ReturnType<typeof http>) {
    const show = (await api.post('/v1/broadcasts', { title: 'hooked', scheduledAt: new Date().toISOString() })).body;
    expect((await api.post(`/v1/broadcasts/${show.id}/start`)).status).toBe(200);
    return show.id as string;
  }

  it('delivers show.started signed the Standard Webhooks way; the signature verifies and a tampered body does not', async () => {
    const r = await receiver();
    const { api, endpoint } = await sellerWithEndpoint(r.url);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await api.get(`/v1/webhooks/endpoints/${endpoint.id}/secret`)).body.secret).toBe(endpoint.secret);
    const showId = await startShow(api);

    const [got] = await waitFor('show.started at the receiver', () => (r.events('show.started').length ? r.events('show.started') : undefined));
    const wh = new Webhook(endpoint.secret);
    const headers = { 'webhook-id': got.id, 'webhook-timestamp': got.timestamp, 'webhook-signature': got.signature };
    expect(got.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(got.signature).toMatch(/^v1,/);
    expect(wh.verify(got.body, headers)).toMatchObject({ type: 'show.started', data: { broadcastId: showId, status: 'live' } });
    expect(() => wh.verify(got.body.replace('live', 'ended'), headers)).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(got.body, headers)).toThrow();

    const deliveries = await waitFor('delivery recorded', async () => {
      const d = (await api.get(`/v1/webhooks/endpoints/${endpoint.id}/deliveries`)).body;
      return d.find((x: { status: string }) => x.status === 'delivered');
    });
    expect(deliveries).toMatchObject({ id: got.id, eventType: 'show.started', attempts: 1, lastStatus: 204, nextAttemptAt: null });

    // another seller sees nothing of it
    const other = http(app.url, tokenFor(`seller-${randomUUID()}`, ['seller']));
    expect((await other.get(`/v1/webhooks/endpoints/${endpoint.id}/deliveries`)).status).toBe(403);

    // manual replay: the same message again, same webhook-id (the receiver's idempotency key)
    const replay = await api.post(`/v1/webhooks/endpoints/${endpoint.id}/deliveries/${got.id}/replay`);
    expect(replay.status).toBe(200);
    await waitFor('replayed copy', () => r.received.filter((x) => x.id === got.id).length === 2);
  });

  it('queues one delivery per endpoint and event when a batch brings many events, a redelivered one among them', async () => {
    const r = await receiver();
    const { sellerId, endpoint } = await sellerWithEndpoint(r.url, ['show.started', 'show.ended']);
    const at = new Date().toISOString();
    const events = Array.from({ length: 20 }, (_, i) => ({ eventId: randomUUID(), occurredAt: at, broadcastId: `batched-${i}`, sellerId, status: i % 2 ? 'ended' : 'live', at }));
    // one produce request to one partition (one key): the consumer reads them as one batch
    const env = testEnv();
    const producer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: `${env.topicPrefix}${Topics.BroadcastLifecycle}`, messages: [...events, events[0]].map((v) => ({ key: sellerId, value: JSON.stringify(v) })) });
    await producer.disconnect();

    const delivered = () => pg.query('SELECT count(*)::int AS n FROM management.webhook_deliveries WHERE endpoint_id = $1 AND status = $2', [endpoint.id, 'delivered']);
    await waitFor('every event delivered', async () => (await delivered()).rows[0].n === events.length);
    const rows = (await pg.query('SELECT event_id, event_type FROM management.webhook_deliveries WHERE endpoint_id = $1', [endpoint.id])).rows;
    expect(rows).toHaveLength(events.length);
    expect(new Set(rows.map((x: { event_id: string }) => x.event_id))).toEqual(new Set(events.map((e) => e.eventId)));
    expect(rows.filter((x: { event_type: string }) => x.event_type === 'show.ended')).toHaveLength(10);
    expect(new Set(r.received.map((x) => x.id)).size).toBe(events.length);
  });

  it('keeps retrying while the receiver is down and delivers once it is back, under the same webhook-id', async () => {
    const port = await freePort(); // nothing listens there yet: connection refused
    const { api, endpoint } = await sellerWithEndpoint(`http://127.0.0.1:${port}/hook`);
    await startShow(api);
    const pending = await waitFor('a few failed attempts', async () => {
      const [d] = (await api.get(`/v1/webhooks/endpoints/${endpoint.id}/deliveries`)).body;
      return d && d.attempts >= 2 ? d : undefined;
    });
    expect(pending).toMatchObject({ status: 'pending', lastStatus: null });
    expect(pending.lastError).toMatch(/ECONNREFUSED/);
    expect(Date.parse(pending.nextAttemptAt)).toBeGreaterThan(Date.parse(pending.lastAttemptAt));
    const listed = (await api.get('/v1/webhooks/endpoints')).body.find((e: { id: string }) => e.id === endpoint.id);
    expect(listed).toMatchObject({ enabled: true, deliveries: { pending: 1, delivered: 0 } });
    expect(listed.failingSince).not.toBeNull();

    const r = await receiver(port);
    const delivered = await waitFor('delivered after the receiver came back', async () => {
      const [d] = (await api.get(`/v1/webhooks/endpoints/${endpoint.id}/deliveries`)).body;
      return d?.status === 'delivered' ? d : undefined;
    });
    expect(delivered.attempts).toBeGreaterThanOrEqual(3);
    // at least once: every copy the receiver saw carries the one webhook-id it dedupes on
    expect(r.received.length).toBeGreaterThanOrEqual(1);
    expect(new Set(r.received.map((x) => x.id))).toEqual(new Set([delivered.id]));
    expect((await api.get(`/v1/webhooks/endpoints/${endpoint.id}`)).body).toMatchObject({ enabled: true, failingSince: null });
  });

  it('a hanging receiver times out without holding up another endpoint of the same event', async () => {
    const hang = await receiver();
    hang.answer = () => undefined; // never answers
    const ok = await receiver();
    const { api, endpoint: slow } = await sellerWithEndpoint(hang.url);
    const fast = (await api.post('/v1/webhooks/endpoints', { url: ok.url, eventTypes: ['show.started'] })).body;
    await startShow(api);
    await waitFor('the healthy endpoint got it', () => ok.events('show.started').length === 1);
    const timedOut = await waitFor('the hanging one timed out', async () => {
      const [d] = (await api.get(`/v1/webhooks/endpoints/${slow.id}/deliveries`)).body;
      return d?.lastError ? d : undefined;
    });
    expect(timedOut.lastError).toMatch(/no answer within 800 ms|aborted/);
    expect(timedOut.status).toBe('pending');
    expect((await api.get(`/v1/webhooks/endpoints/${fast.id}/deliveries`)).body[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect((await api.patch(`/v1/webhooks/endpoints/${slow.id}`, { enabled: false })).body.enabled).toBe(false);
  });

  it('disables an endpoint that keeps failing, with a notice; re-enabled it delivers what waited', async () => {
    const r = await receiver();
    r.answer = (_req, res) => res.writeHead(500).end('down');
    const { api, endpoint } = await sellerWithEndpoint(r.url);
    await startShow(api);
    const disabled = await waitFor(
      'endpoint disabled',
      async () => {
        const e = (await api.get(`/v1/webhooks/endpoints/${endpoint.id}`)).body;
        return e.enabled === false ? e : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(disabled.disabledReason).toMatch(/without a successful delivery/);
    expect(disabled.lastStatus).toBe(500);
    const notice = await pg.query(`SELECT * FROM management.audit_log WHERE action = 'webhook.endpoint.disabled' AND target_id = $1`, [endpoint.id]);
    expect(notice.rows).toHaveLength(1);
    const attemptsWhenDisabled = r.received.length;
    expect(attemptsWhenDisabled).toBeGreaterThan(1);

    r.answer = (_req, res) => res.writeHead(200).end();
    const [d] = (await api.get(`/v1/webhooks/endpoints/${endpoint.id}/deliveries`)).body;
    expect((await api.patch(`/v1/webhooks/endpoints/${endpoint.id}`, { enabled: true })).body).toMatchObject({ enabled: true, disabledReason: null });
    if (d.status === 'failed') await api.post(`/v1/webhooks/endpoints/${endpoint.id}/deliveries/${d.id}/replay`);
    await waitFor('delivered after re-enabling', async () => (await api.get(`/v1/webhooks/endpoints/${endpoint.id}/deliveries`)).body[0].status === 'delivered');
  });

  it('sends report.daily once per seller and day', async () => {
    const r = await receiver();
    const { api, endpoint } = await sellerWithEndpoint(r.url, ['report.daily']);
    const showId = await startShow(api);
    const day = new Date().toISOString().slice(0, 10);
    expect((await api.post('/v1/webhooks/daily-reports', { day })).status).toBe(403); // admins only
    const first = await admin().post('/v1/webhooks/daily-reports', { day });
    expect(first.status).toBe(200);
    expect(first.body.reported).toBeGreaterThanOrEqual(1);
    const [got] = await waitFor('report.daily', () => (r.events('report.daily').length ? r.events('report.daily') : undefined));
    expect(new Webhook(endpoint.secret).verify(got.body, { 'webhook-id': got.id, 'webhook-timestamp': got.timestamp, 'webhook-signature': got.signature })).toMatchObject({
      type: 'report.daily',
      data: { day, showIds: [showId], claims: 0, redemptions: 0, votes: 0 },
    });
    // a second run of the same day reports nobody again
    expect((await admin().post('/v1/webhooks/daily-reports', { day })).body.reported).toBe(0);
    expect((await admin().post('/v1/webhooks/daily-reports', { day: 'yesterday' })).status).toBe(400);
  });

  it('refuses non-http(s), loopback, private and link-local URLs, and platform-wide endpoints to non-admins', async () => {
    const api = http(app.url, tokenFor(`seller-${randomUUID()}`, ['seller']));
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/hook', 'http://[::1]:8080/hook', 'http://localhost:9/hook']) {
      const res = await api.post('/v1/webhooks/endpoints', { url, eventTypes: ['show.started'] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('WEBHOOK_URL_REFUSED');
    }
    const ftp = await api.post('/v1/webhooks/endpoints', { url: 'ftp://example.com/x', eventTypes: ['show.started'] });
    expect(ftp.status).toBe(400);
    expect(ftp.body.field).toBe('url');
    const badType = await api.post('/v1/webhooks/endpoints', { url: 'http://127.0.0.1:9/x', eventTypes: ['show.exploded'] });
    expect(badType.status).toBe(400);
    const operator = http(app.url, tokenFor('ops', ['operator']));
    expect((await operator.post('/v1/webhooks/endpoints', { url: 'http://127.0.0.1:9/x', eventTypes: ['show.started'] })).status).toBe(403);
    const platform = await admin().post('/v1/webhooks/endpoints', { url: 'http://127.0.0.1:9/x', eventTypes: ['show.ended'] });
    expect(platform.status).toBe(201);
    expect(platform.body).toMatchObject({ scope: 'platform', sellerId: null });
    expect((await api.get(`/v1/webhooks/endpoints/${platform.body.id}`)).status).toBe(403);
    expect((await admin().delete(`/v1/webhooks/endpoints/${platform.body.id}`)).status).toBe(200);
  });
});
