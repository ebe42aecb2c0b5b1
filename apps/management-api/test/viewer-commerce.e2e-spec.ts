import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { AppProcess, Http, Viewer, http, tokenFor, useStack, waitFor } from '@live/testing';

/** management-api (catalogue, keys, codes, webhooks), burst-api (claims, votes), a ws-gateway (viewers). */
class CommerceStack {
  management!: AppProcess;
  burst!: AppProcess;
  gateway!: AppProcess;
  private readonly viewers: Viewer[] = [];

  async start(): Promise<this> {
    [this.management, this.burst, this.gateway] = await Promise.all([
      AppProcess.start('management-api', { REDEEM_ATTEMPTS_PER_MINUTE: '10', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_POLL_MS: '100' }),
      AppProcess.start('burst-api'),
      AppProcess.start('ws-gateway'),
    ]);
    return this;
  }

  async stop(): Promise<void> {
    this.viewers.forEach((v) => v.close());
    await Promise.all([this.management, this.burst, this.gateway].map((a) => a?.stop()));
  }

  seller(sellerId = `seller-${randomUUID()}`, name = 'Kim’s Kitchen'): Http & { id: string } {
    return Object.assign(http(this.management.url, tokenFor(sellerId, ['seller'], name)), { id: sellerId });
  }

  public(): Http {
    return http(this.management.url);
  }

  viewer(): Viewer {
    const v = new Viewer(this.gateway.url);
    this.viewers.push(v);
    return v;
  }

  /** the management API as a shop, with its API key */
  async withKey(key: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${this.management.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }
}

type Seller = ReturnType<CommerceStack['seller']>;

// The viewer-facing catalogue and the shop integration on the real stack: pagination and
// filters, nothing staff-only in public or list views, a pinned product's new price reaching a
// socket viewer, stock reservations, API keys, claim -> code -> one redemption, signed webhooks.
describe('viewer API and commerce', () => {
  const { stack, pg } = useStack(new CommerceStack());

  async function product(seller: Seller, stock = 10, price = 1000) {
    const p = await seller.post('/v1/products', { name: `Pan ${randomUUID().slice(0, 4)}`, price, currency: 'KRW', stock });
    expect(p.status).toBe(201);
    return p.body as { id: string };
  }

  async function liveShowWithPinned(seller: Seller) {
    const show = (await seller.post('/v1/broadcasts', { title: 'Live kitchen', scheduledAt: new Date().toISOString() })).body;
    const p = await product(seller);
    await seller.post(`/v1/broadcasts/${show.id}/products`, { productId: p.id });
    await seller.post(`/v1/broadcasts/${show.id}/start`);
    await seller.post(`/v1/broadcasts/${show.id}/products/${p.id}/pin`);
    return { show: show.id as string, product: p.id };
  }

  async function apiKey(seller: Seller) {
    const created = await seller.post('/v1/api-keys', { name: 'shop backend' });
    expect(created.status).toBe(201);
    return created.body as { id: string; key: string; prefix: string };
  }

  it('lists the catalogue without a token: filters, stable cursors, sorted by start; nothing staff-only', async () => {
    const seller = stack.seller();
    const base = Date.now() + 24 * 3600_000;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await seller.post('/v1/broadcasts', { title: `show ${i}`, scheduledAt: new Date(base + (5 - i) * 60_000).toISOString() })).body.id);
    }
    await seller.post(`/v1/broadcasts/${ids[0]}/start`);
    await seller.post(`/v1/broadcasts/${ids[1]}/start`);
    await seller.post(`/v1/broadcasts/${ids[1]}/end`);
    const pub = stack.public();

    const upcoming: { id: string; scheduledAt: string; status: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: typeof upcoming; nextCursor: string | null } } = await pub.get(`/v1/catalogue/broadcasts?sellerId=${seller.id}&status=upcoming&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      upcoming.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(upcoming.map((s) => s.id)).toEqual([ids[5], ids[4], ids[3], ids[2]]); // soonest first
    expect(upcoming.every((s) => s.status === 'upcoming')).toBe(true);

    const several = (await pub.get(`/v1/catalogue/broadcasts?sellerId=${seller.id}&status=live,ended&order=desc`)).body.items;
    expect(several.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      [ids[0], 'live'],
      [ids[1], 'ended'],
    ]);
    const card = several[0];
    expect(card.seller).toEqual({ id: seller.id, displayName: 'Kim’s Kitchen' });
    expect(card.playback).toMatchObject({ kind: 'live', hls: expect.stringMatching(new RegExp(`/live/${ids[0]}/master.m3u8$`)) });
    expect(several[1].playback).toMatchObject({ kind: 'replay', hls: expect.stringMatching(/\/vod\/.+\/master.m3u8$/), dash: expect.stringMatching(/manifest.mpd$/) });

    // no stream key in any public or list view, nor in the staff show views
    const views = [
      await pub.get(`/v1/catalogue/broadcasts?sellerId=${seller.id}`),
      await pub.get(`/v1/catalogue/broadcasts/${ids[0]}`),
      await pub.get(`/v1/catalogue/broadcasts/${ids[0]}/products`),
      await seller.get('/v1/broadcasts'),
      await seller.get(`/v1/broadcasts/${ids[0]}`),
    ];
    const key = (await seller.get(`/v1/broadcasts/${ids[0]}/stream-key`)).body.streamKey as string;
    expect(key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    for (const v of views) {
      expect(v.status).toBe(200);
      expect(JSON.stringify(v.body)).not.toContain(key);
      expect(JSON.stringify(v.body)).not.toMatch(/streamKey/i);
    }
    expect((await pub.get(`/v1/broadcasts/${ids[0]}/stream-key`)).status).toBe(401);

    expect((await pub.get('/v1/catalogue/broadcasts?status=soon')).body).toMatchObject({ code: 'VALIDATION_FAILED', field: expect.stringMatching(/^status/) });
    expect((await pub.get('/v1/catalogue/broadcasts?cursor=bm9wZQ')).body).toMatchObject({ field: 'cursor' });
    expect((await pub.get(`/v1/catalogue/broadcasts/${randomUUID()}`)).status).toBe(404);
  });

  it('answers with Cache-Control and an ETag, and 304 when nothing changed', async () => {
    const seller = stack.seller();
    const { show } = await liveShowWithPinned(seller);
    const url = `${stack.management.url}/v1/catalogue/broadcasts/${show}`;
    const first = await fetch(url);
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    await seller.post(`/v1/broadcasts/${show}/notices`, { text: 'Free shipping' });
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    const body = (await changed.json()) as { overlays: { kind: string }[]; pinnedProduct: unknown };
    expect(body.overlays.map((o: { kind: string }) => o.kind).sort()).toEqual(['notice', 'product']);
    expect(body.pinnedProduct).toMatchObject({ price: 1000, stock: 10, currency: 'KRW', inStock: true });
  });

  it("sends a pinned product's new price and stock to socket viewers at once, and its stock moves with the shop's reservations", async () => {
    const seller = stack.seller();
    const { show, product: productId } = await liveShowWithPinned(seller);
    const viewer = stack.viewer();
    await waitFor('joined with the pin', async () => (await viewer.join(show)).ok);

    expect((await seller.patch(`/v1/products/${productId}`, { price: 790, stock: 4 })).status).toBe(200);
    await viewer.waitForEvent('overlay.show', (o) => o.key === 'pin' && o.data.price === 790 && o.data.stock === 4);

    const { key } = await apiKey(seller);
    const reservationId = `cart-${randomUUID()}`;
    const reserved = await stack.withKey(key, 'POST', `/v1/products/${productId}/reservations`, { reservationId, quantity: 3 });
    expect(reserved.status).toBe(201);
    expect(reserved.body).toMatchObject({ status: 'reserved', quantity: 3, stock: 1, replayed: false });
    await viewer.waitForEvent('overlay.show', (o) => o.key === 'pin' && o.data.stock === 1);

    const retried = await stack.withKey(key, 'POST', `/v1/products/${productId}/reservations`, { reservationId, quantity: 3 });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ stock: 1, replayed: true });
    expect((await stack.withKey(key, 'POST', `/v1/products/${productId}/reservations`, { reservationId, quantity: 2 })).body.code).toBe('RESERVATION_MISMATCH');
    const tooMany = await stack.withKey(key, 'POST', `/v1/products/${productId}/reservations`, { reservationId: 'big', quantity: 2 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.code).toBe('OUT_OF_STOCK');

    const released = await stack.withKey(key, 'DELETE', `/v1/products/${productId}/reservations/${reservationId}`);
    expect(released.body).toMatchObject({ status: 'released', stock: 4, replayed: false });
    expect((await stack.withKey(key, 'DELETE', `/v1/products/${productId}/reservations/${reservationId}`)).body).toMatchObject({ stock: 4, replayed: true });
    await viewer.waitForEvent('overlay.show', (o) => o.key === 'pin' && o.data.stock === 4 && o.data.price === 790);
    expect((await stack.public().get(`/v1/catalogue/broadcasts/${show}/products`)).body[0].product).toMatchObject({ price: 790, stock: 4 });
  });

  it('reserves atomically: 30 concurrent holds on a stock of 7 give exactly 7, never below zero', async () => {
    const seller = stack.seller();
    const p = await product(seller, 7);
    const { key } = await apiKey(seller);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stack.withKey(key, 'POST', `/v1/products/${p.id}/reservations`, { reservationId: `r-${i}`, quantity: 1 })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(7);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'OUT_OF_STOCK')).toBe(true);
    expect((await seller.get(`/v1/products/${p.id}`)).body.stock).toBe(0);
  });

  it('API keys: shown once, hashed at rest, one seller, revocable; they cannot mint keys', async () => {
    const seller = stack.seller();
    const other = stack.seller();
    const created = await apiKey(seller);
    expect(created.key).toMatch(/^lck_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const listed = (await seller.get('/v1/api-keys')).body;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(13));
    const [row] = (await pg.query('SELECT key_hash FROM management.api_keys WHERE id = $1', [created.id])).rows;
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.key_hash).not.toContain(created.key.slice(13));

    const mine = await product(seller);
    const theirs = await product(other);
    expect((await stack.withKey(created.key, 'GET', `/v1/products/${mine.id}`)).status).toBe(200);
    expect((await stack.withKey(created.key, 'GET', `/v1/products/${theirs.id}`)).status).toBe(403);
    expect((await stack.withKey(created.key, 'POST', '/v1/api-keys', { name: 'x' })).status).toBe(401);
    const forged = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
    expect((await stack.withKey(forged, 'GET', `/v1/products/${mine.id}`)).status).toBe(401);
    expect((await other.delete(`/v1/api-keys/${created.id}`)).status).toBe(403);
    expect((await seller.delete(`/v1/api-keys/${created.id}`)).body.revokedAt).not.toBeNull();
    expect((await stack.withKey(created.key, 'GET', `/v1/products/${mine.id}`)).status).toBe(401);
  });

  it('claim -> code -> redeemed once by the shop; clear refusals; the shop hears of both by signed webhook', async () => {
    const seller = stack.seller();
    const { key } = await apiKey(seller);
    const got: { headers: Record<string, string>; body: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const hook = await stack.withKey(key, 'POST', '/v1/webhooks/endpoints', {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/shop`,
        eventTypes: ['coupon.claimed', 'coupon.redeemed', 'poll.closed'],
      });
      expect(hook.status).toBe(201);
      expect(hook.body.sellerId).toBe(seller.id);

      const { show } = await liveShowWithPinned(seller);
      const now = Date.now();
      const coupon = (
        await seller.post(`/v1/broadcasts/${show}/coupons`, {
          name: '20% off',
          discountType: 'percent',
          discountValue: 20,
          totalQuantity: 50,
          perUserLimit: 1,
          validFrom: new Date(now - 60_000).toISOString(),
          validUntil: new Date(now + 3600_000).toISOString(),
        })
      ).body;
      await seller.post(`/v1/broadcasts/${show}/coupons/${coupon.id}/expose`);
      const poll = (await seller.post(`/v1/broadcasts/${show}/polls`, { question: 'Colour?', options: ['Red', 'Blue'] })).body;
      await seller.post(`/v1/broadcasts/${show}/polls/${poll.id}/open`);

      const viewerId = `viewer-${randomUUID()}`;
      const asViewer = http(stack.burst.url, tokenFor(viewerId, ['viewer']));
      const claimPath = `/v1/broadcasts/${show}/coupons/${coupon.id}/claims`;
      const claim = await waitFor('claim taken', async () => {
        const r = await asViewer.post(claimPath);
        return r.status === 201 ? r.body : undefined;
      });
      await waitFor('vote taken', async () => (await asViewer.post(`/v1/broadcasts/${show}/polls/${poll.id}/votes`, { option: 1 })).status === 201);
      const me = http(stack.management.url, tokenFor(viewerId, ['viewer']));
      const [mine] = await waitFor('the code', async () => {
        const r = (await me.get('/v1/me/claims')).body;
        return r.length ? r : undefined;
      });
      expect(mine).toMatchObject({ claimId: claim.claimId, broadcastId: show, status: 'active', coupon: { name: '20% off', discountValue: 20 } });
      expect(mine.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
      const votes = await waitFor('my vote', async () => {
        const r = (await me.get('/v1/me/votes')).body;
        return r.length ? r : undefined;
      });
      expect(votes[0]).toMatchObject({ pollId: poll.id, option: 1, optionText: 'Blue', question: 'Colour?' });
      // a viewer sees only its own
      expect((await http(stack.management.url, tokenFor('someone-else', ['viewer'])).get('/v1/me/claims')).body).toEqual([]);

      // another seller's key gets exactly what an unknown code gets
      const otherKey = (await apiKey(stack.seller())).key;
      const foreign = await stack.withKey(otherKey, 'POST', '/v1/coupons/redemptions', { code: mine.code });
      const unknown = await stack.withKey(otherKey, 'POST', '/v1/coupons/redemptions', { code: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ' });
      expect(foreign.status).toBe(404);
      const strip = (b: Record<string, unknown>) => ({ ...b, correlationId: undefined });
      expect(strip(foreign.body)).toEqual(strip(unknown.body));
      expect(foreign.body.code).toBe('CODE_NOT_FOUND');
      expect((await seller.post('/v1/coupons/redemptions', { code: mine.code })).status).toBe(401); // a user token is not a shop key

      const redeemed = await stack.withKey(key, 'POST', '/v1/coupons/redemptions', { code: mine.code.toLowerCase(), orderRef: 'order-1' });
      expect(redeemed.status).toBe(201);
      expect(redeemed.body).toMatchObject({ code: mine.code, userId: viewerId, orderRef: 'order-1', coupon: { discountType: 'percent', discountValue: 20 } });
      const same = await stack.withKey(key, 'POST', '/v1/coupons/redemptions', { code: mine.code, orderRef: 'order-1' });
      expect(same.status).toBe(200);
      expect(same.body.redeemedAt).toBe(redeemed.body.redeemedAt);
      const twice = await stack.withKey(key, 'POST', '/v1/coupons/redemptions', { code: mine.code, orderRef: 'order-2' });
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('ALREADY_REDEEMED');
      expect((await me.get('/v1/me/claims')).body[0]).toMatchObject({ status: 'redeemed' });

      // an expired code: 410
      const late = http(stack.burst.url, tokenFor(`late-${randomUUID()}`, ['viewer']));
      const lateClaim = (await late.post(claimPath)).body;
      await waitFor('late code', async () => (await pg.query('SELECT 1 FROM management.coupon_codes WHERE claim_id = $1', [lateClaim.claimId])).rowCount === 1);
      const [lateRow] = (await pg.query(`UPDATE management.coupon_codes SET expires_at = now() - interval '1 minute' WHERE claim_id = $1 RETURNING code`, [lateClaim.claimId])).rows;
      const expired = await stack.withKey(key, 'POST', '/v1/coupons/redemptions', { code: lateRow.code });
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('CODE_EXPIRED');

      await seller.post(`/v1/broadcasts/${show}/polls/${poll.id}/close`);

      // the shop's endpoint: claims, the redemption and the poll results, each signed
      const { secret } = (await stack.withKey(key, 'GET', `/v1/webhooks/endpoints/${hook.body.id}/secret`)).body;
      const wh = new Webhook(secret);
      const events = await waitFor('webhooks', () => {
        const parsed = got.map((g) => wh.verify(g.body, g.headers) as { type: string; data: Record<string, unknown> });
        const types = new Set(parsed.map((p) => p.type));
        const claimed = new Set(parsed.filter((p) => p.type === 'coupon.claimed').map((p) => p.data.claimId));
        // each webhook is its own delivery: the late claim's may land after the poll's
        const all = claimed.has(claim.claimId) && claimed.has(lateClaim.claimId);
        return all && types.has('coupon.redeemed') && types.has('poll.closed') ? parsed : undefined;
      });
      expect(events.find((e) => e.type === 'coupon.redeemed')!.data).toMatchObject({ claimId: claim.claimId, orderRef: 'order-1', userId: viewerId });
      expect(events.filter((e) => e.type === 'coupon.claimed').map((e) => e.data.claimId)).toEqual(expect.arrayContaining([claim.claimId, lateClaim.claimId]));
      expect(events.find((e) => e.type === 'poll.closed')!.data).toMatchObject({ pollId: poll.id, question: 'Colour?', results: [{ option: 0, text: 'Red', votes: 0 }, { option: 1, text: 'Blue', votes: 1 }] });
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('rate-limits redemption attempts per API key (429 with Retry-After)', async () => {
    const { key } = await apiKey(stack.seller());
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push(await stack.withKey(key, 'POST', '/v1/coupons/redemptions', { code: `guess-${i}` }));
    expect(answers.filter((a) => a.status === 404).length).toBeGreaterThanOrEqual(10);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body.code).toBe('RATE_LIMITED');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
