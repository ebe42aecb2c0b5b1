import { randomUUID } from 'node:crypto';
import { AppProcess, Viewer, http, tokenFor, waitFor } from '@live/testing';


// The operator's flow end to end over HTTP, with real socket.io clients on two ws-gateway
// processes joined by the Redis adapter: create a show, start it, expose a coupon ->
// overlay.show reaches viewers on both gateways; a viewer joining afterwards sees it in the
// snapshot; hide -> overlay.hide; end the show.
describe('ws-gateway across two processes', () => {
  let management: AppProcess;
  let gatewayA: AppProcess;
  let gatewayB: AppProcess;
  const viewers: Viewer[] = [];

  beforeAll(async () => {
    [management, gatewayA, gatewayB] = await Promise.all([
      AppProcess.start('management-api'),
      AppProcess.start('ws-gateway'),
      AppProcess.start('ws-gateway'),
    ]);
  });

  afterAll(async () => {
    viewers.forEach((v) => v.close());
    await Promise.all([management, gatewayA, gatewayB].map((a) => a?.stop()));
  });

  const viewer = (gw: AppProcess, token?: string) => {
    const v = new Viewer(gw.url, token);
    viewers.push(v);
    return v;
  };

  it('shows, snapshots and hides a coupon across two gateways', async () => {
    const seller = `seller-${randomUUID()}`;
    const api = http(management.url, tokenFor(seller, ['seller']));
    const show = (await api.post('/v1/broadcasts', { title: 'Live e2e', scheduledAt: new Date().toISOString() })).body;
    expect((await api.post(`/v1/broadcasts/${show.id}/start`)).status).toBe(200);

    const onA = viewer(gatewayA, tokenFor(`viewer-${randomUUID()}`, ['viewer']));
    const onB = viewer(gatewayB); // anonymous watching is allowed by default
    // the show becomes joinable once management's status mirror has it
    const joined = await waitFor('join accepted', async () => {
      const ack = await onA.join(show.id);
      return ack.ok ? ack : undefined;
    });
    expect(joined.snapshot).toMatchObject({ broadcastId: show.id, status: 'live', overlays: [] });
    expect((await onB.join(show.id)).ok).toBe(true);

    const now = Date.now();
    const coupon = (
      await api.post(`/v1/broadcasts/${show.id}/coupons`, {
        name: 'Launch deal',
        discountType: 'amount',
        discountValue: 5000,
        currency: 'KRW',
        totalQuantity: 100,
        validFrom: new Date(now - 1000).toISOString(),
        validUntil: new Date(now + 3600_000).toISOString(),
      })
    ).body;
    expect((await api.post(`/v1/broadcasts/${show.id}/coupons/${coupon.id}/expose`)).status).toBe(200);

    const key = `coupon:${coupon.id}`;
    for (const v of [onA, onB]) {
      const shown = await v.waitForEvent('overlay.show', (o) => o.key === key);
      expect(shown).toMatchObject({ kind: 'coupon', id: coupon.id, data: { name: 'Launch deal', discountValue: 5000 } });
    }

    const late = viewer(gatewayB, tokenFor(`late-${randomUUID()}`, ['viewer']));
    const lateAck = await late.join(show.id);
    expect(lateAck.ok && lateAck.snapshot.overlays.map((o) => o.key)).toEqual([key]);

    expect((await api.post(`/v1/broadcasts/${show.id}/coupons/${coupon.id}/hide`)).status).toBe(200);
    for (const v of [onA, onB, late]) await v.waitForEvent('overlay.hide', (o) => o.key === key);
    // each viewer got the show once (no per-gateway duplicates)
    expect(onA.events('overlay.show').filter((o) => o.key === key)).toHaveLength(1);
    expect(onB.events('overlay.show').filter((o) => o.key === key)).toHaveLength(1);

    const again = viewer(gatewayA);
    const againAck = await again.join(show.id);
    expect(againAck.ok && againAck.snapshot.overlays).toEqual([]);

    expect((await api.post(`/v1/broadcasts/${show.id}/end`)).status).toBe(200);
    await onA.waitForEvent('broadcast.status', (s) => s.status === 'ended');
    await onB.waitForEvent('broadcast.status', (s) => s.status === 'ended');
  });

  it('refuses a bad token at the handshake and names the field of a bad join', async () => {
    const bad = viewer(gatewayA, 'not-a-jwt');
    await expect(bad.connected()).rejects.toMatchObject({ message: 'UNAUTHORIZED', data: { code: 'UNAUTHORIZED' } });

    const v = viewer(gatewayA);
    expect(await v.join('../../etc')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'broadcastId' });
    expect(await v.join(randomUUID())).toMatchObject({ ok: false, code: 'NOT_FOUND', field: 'broadcastId' });
  });

  it('sums concurrent viewers over both gateways', async () => {
    const seller = `seller-${randomUUID()}`;
    const api = http(management.url, tokenFor(seller, ['seller']));
    const show = (await api.post('/v1/broadcasts', { title: 'presence', scheduledAt: new Date().toISOString() })).body;
    expect((await api.post(`/v1/broadcasts/${show.id}/start`)).status).toBe(200);
    const vs = [viewer(gatewayA), viewer(gatewayA), viewer(gatewayB)];
    await waitFor('show live for the gateways', async () => {
      const ack = await vs[0].join(show.id);
      return ack.ok && ack.snapshot.status === 'live';
    });
    for (const v of vs.slice(1)) expect((await v.join(show.id)).ok).toBe(true);
    for (const v of vs) await v.waitForEvent('viewers.count', (c) => c.broadcastId === show.id && c.count === 3, 10_000);
    vs[0].close();
    await vs[2].waitForEvent('viewers.count', (c) => c.broadcastId === show.id && c.count === 2, 10_000);
  });
});

