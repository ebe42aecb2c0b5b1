import { randomUUID } from 'node:crypto';
import { redisKeys } from '@live/contracts';
import { AppProcess, http, testEnv, testRedis, tokenFor, waitFor } from '@live/testing';
import { Fixtures } from './fixtures';

// Show lifecycle, the 409s of illegal transitions, the Redis mirror other services read,
// lists with filters and cursors, and the audit log.
describe('management-api lifecycle', () => {
  let app: AppProcess;
  let fx: Fixtures;
  const env = testEnv();
  const keys = redisKeys(env.redisPhase);
  const redis = testRedis();

  beforeAll(async () => {
    app = await AppProcess.start('management-api');
    fx = new Fixtures(app);
  });

  afterAll(async () => {
    redis.disconnect();
    await app.stop();
  });

  it('runs a show scheduled -> live -> ended and refuses every other step with 409', async () => {
    const seller = `seller-${randomUUID()}`;
    const api = http(app.url, tokenFor(seller, ['seller']));
    const created = await api.post('/v1/broadcasts', { title: 'Spring sale', scheduledAt: '2030-03-01T10:00:00Z' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Spring sale', sellerId: seller, status: 'scheduled', startedAt: null });
    // the secret stream key is only on its own endpoint, never in a show's view
    expect(created.body.ingest).toEqual({ url: expect.stringMatching(/^rtmp:/) });
    expect(JSON.stringify(created.body)).not.toMatch(/streamKey/);
    expect((await api.get(`/v1/broadcasts/${created.body.id}/stream-key`)).body.streamKey).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const id = created.body.id;

    const endEarly = await api.post(`/v1/broadcasts/${id}/end`);
    expect(endEarly.status).toBe(409);
    expect(endEarly.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', field: 'status' });
    expect(endEarly.body.correlationId).toBeTruthy();

    const live = await api.post(`/v1/broadcasts/${id}/start`);
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('live');
    expect((await api.post(`/v1/broadcasts/${id}/start`)).status).toBe(409);
    expect((await api.patch(`/v1/broadcasts/${id}`, { scheduledAt: '2030-03-02T10:00:00Z' })).body.code).toBe('NOT_SCHEDULED');

    const ended = await api.post(`/v1/broadcasts/${id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body.endedAt).not.toBeNull();
    expect((await api.post(`/v1/broadcasts/${id}/start`)).status).toBe(409);
    expect((await api.post(`/v1/broadcasts/${id}/end`)).status).toBe(409);
  });

  it('mirrors live status and active bans into Redis for O(1) checks', async () => {
    const show = await fx.liveShow(`seller-${randomUUID()}`);
    await waitFor('status live in redis', async () => (await redis.get(keys.broadcast.status(show.id))) === 'live');

    const userId = `troll-${randomUUID()}`;
    const ban = await fx.admin.post(`/v1/broadcasts/${show.id}/bans`, { userId, reason: 'spam', durationSeconds: 600 });
    expect(ban.status).toBe(201);
    await waitFor('ban in redis', async () => Number(await redis.hget(keys.broadcast.bans(show.id), userId)) > Date.now());
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/bans`, { userId, reason: 'again' })).status).toBe(409);
    expect((await fx.admin.delete(`/v1/broadcasts/${show.id}/bans/${userId}`)).status).toBe(200);
    await waitFor('ban lifted in redis', async () => (await redis.hexists(keys.broadcast.bans(show.id), userId)) === 0);

    const globalUser = `g-${randomUUID()}`;
    await fx.ban(null, globalUser);
    await waitFor('global ban in redis', async () => (await redis.hget(keys.globalBans(), globalUser)) === '0');
    expect((await fx.admin.get('/v1/bans')).body.map((b: { userId: string }) => b.userId)).toContain(globalUser);

    await fx.post(`/v1/broadcasts/${show.id}/end`);
    await waitFor('status ended in redis', async () => (await redis.get(keys.broadcast.status(show.id))) === 'ended');
  });

  it('writes the mirror of a live show again after Redis lost it, bans included', async () => {
    const show = await fx.liveShow(`seller-${randomUUID()}`);
    const userId = `troll-${randomUUID()}`;
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/bans`, { userId, reason: 'spam' })).status).toBe(201);
    await waitFor('mirrored', async () => (await redis.get(keys.broadcast.status(show.id))) === 'live' && (await redis.hexists(keys.broadcast.bans(show.id), userId)) === 1);
    const startedAt = await redis.get(keys.broadcast.startedAt(show.id));
    // what a Redis restart without its data leaves of this show: nothing
    await redis.del(keys.broadcast.status(show.id), keys.broadcast.seller(show.id), keys.broadcast.startedAt(show.id), keys.broadcast.bans(show.id), keys.broadcast.chatSettings(show.id));
    await waitFor('status live in redis again', async () => (await redis.get(keys.broadcast.status(show.id))) === 'live', { timeoutMs: 20_000 });
    expect(await redis.get(keys.broadcast.seller(show.id))).toBe(show.sellerId);
    expect(await redis.get(keys.broadcast.startedAt(show.id))).toBe(startedAt);
    expect(await redis.hget(keys.broadcast.bans(show.id), userId)).toBe('0');
  });

  it('lists with filters and stable cursors; a seller sees only its own shows', async () => {
    const seller = `seller-${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await fx.show(seller, `show ${i}`)).id);
    await fx.post(`/v1/broadcasts/${ids[0]}/start`);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/broadcasts?sellerId=${seller}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await fx.admin.get(q);
      expect(res.status).toBe(200);
      pages.push(...res.body.items.map((b: { id: string }) => b.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([...ids].reverse());

    const live = await fx.admin.get(`/v1/broadcasts?sellerId=${seller}&status=live`);
    expect(live.body.items.map((b: { id: string }) => b.id)).toEqual([ids[0]]);

    const other = http(app.url, tokenFor(`other-${randomUUID()}`, ['seller']));
    const theirs = await other.get(`/v1/broadcasts?sellerId=${seller}`);
    expect(theirs.body.items).toEqual([]);
    expect((await other.get(`/v1/broadcasts/${ids[1]}`)).status).toBe(403);

    const bad = await fx.admin.get('/v1/broadcasts?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('cursor');
  });

  it('keeps the products of a show ordered, one pinned at a time', async () => {
    const seller = `seller-${randomUUID()}`;
    const show = await fx.show(seller);
    const [a, b, c] = [await fx.product(seller, 'A'), await fx.product(seller, 'B'), await fx.product(seller, 'C')];
    for (const p of [a, b]) await fx.admin.post(`/v1/broadcasts/${show.id}/products`, { productId: p.id });
    await fx.admin.post(`/v1/broadcasts/${show.id}/products`, { productId: c.id, position: 0 });
    const names = async () => (await fx.admin.get(`/v1/broadcasts/${show.id}/products`)).body.map((x: any) => x.product.name);
    expect(await names()).toEqual(['C', 'A', 'B']);
    await fx.admin.put(`/v1/broadcasts/${show.id}/products/order`, { productIds: [a.id, b.id, c.id] });
    expect(await names()).toEqual(['A', 'B', 'C']);
    await fx.admin.post(`/v1/broadcasts/${show.id}/products/${a.id}/pin`);
    await fx.admin.post(`/v1/broadcasts/${show.id}/products/${b.id}/pin`);
    const pinned = (await fx.admin.get(`/v1/broadcasts/${show.id}/products`)).body.filter((x: any) => x.pinned).map((x: any) => x.product.name);
    expect(pinned).toEqual(['B']);
    // another seller's product cannot be sold in this show
    const foreign = await fx.product(`other-${randomUUID()}`);
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/products`, { productId: foreign.id })).body.code).toBe('NOT_SELLERS_PRODUCT');
  });

  it('moves polls draft -> open -> closed only', async () => {
    const show = await fx.show(`seller-${randomUUID()}`);
    const poll = await fx.poll(show.id);
    expect(poll.status).toBe('draft');
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/polls/${poll.id}/close`)).status).toBe(409);
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/polls/${poll.id}/open`)).body.status).toBe('open');
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/polls/${poll.id}/open`)).status).toBe(409);
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/polls/${poll.id}/close`)).body.status).toBe('closed');
    expect((await fx.admin.post(`/v1/broadcasts/${show.id}/polls/${poll.id}/open`)).status).toBe(409);
  });

  it('records who did what in the audit log, readable by admins only', async () => {
    const opId = `op-${randomUUID()}`;
    const op = http(app.url, tokenFor(opId, ['operator']));
    const show = (await op.post('/v1/broadcasts', { title: 'Audited', sellerId: 's1', scheduledAt: '2030-01-01T00:00:00Z' })).body;
    await op.post(`/v1/broadcasts/${show.id}/start`);
    const log = await fx.admin.get(`/v1/audit?broadcastId=${show.id}`);
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: any) => [e.action, e.actorId])).toEqual([
      ['broadcast.start', opId],
      ['broadcast.create', opId],
    ]);
    expect((await op.get('/v1/audit')).status).toBe(403);
  });
});
