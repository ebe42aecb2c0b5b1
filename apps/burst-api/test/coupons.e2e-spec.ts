import { randomUUID } from 'node:crypto';
import { http, useStack, waitFor } from '@live/testing';
import { BurstStack } from './burst-stack';

// Coupon claims on the real stack: a stock of 100 under 2,000 concurrent claims gives exactly
// 100, no viewer twice; refusals carry their codes (409 not on offer or already claimed,
// 410 sold out); claims reach Postgres; viewers see the stock fall.
describe('coupon claims', () => {
  const { stack, pg } = useStack(new BurstStack());

  async function showWithCoupon(totalQuantity: number, perUserLimit = 1) {
    const show = (await stack.seller.post('/v1/broadcasts', { title: 'flash sale', scheduledAt: new Date().toISOString() })).body;
    await stack.seller.post(`/v1/broadcasts/${show.id}/start`);
    const now = Date.now();
    const coupon = (
      await stack.seller.post(`/v1/broadcasts/${show.id}/coupons`, {
        name: 'flash',
        discountType: 'percent',
        discountValue: 30,
        totalQuantity,
        perUserLimit,
        validFrom: new Date(now - 60_000).toISOString(),
        validUntil: new Date(now + 3600_000).toISOString(),
      })
    ).body;
    return { show: show.id as string, coupon: coupon.id as string };
  }

  const claimer = (userId: string) => stack.as(userId);
  const claimPath = (show: string, coupon: string) => `/v1/broadcasts/${show}/coupons/${coupon}/claims`;

  it('never oversells: 2,000 concurrent claims on a stock of 100', async () => {
    const { show, coupon } = await showWithCoupon(100);
    const v = stack.viewer();
    await waitFor('joined', async () => (await v.join(show)).ok);
    const notYet = await claimer('early-bird').post(claimPath(show, coupon));
    expect(notYet.status).toBe(409);
    expect(notYet.body.code).toBe('NOT_EXPOSED');

    await stack.seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/expose`);
    await waitFor('coupon on offer in burst-api', async () => (await claimer('probe').post(claimPath(show, coupon))).status === 201);

    const users = Array.from({ length: 2000 }, (_, i) => `buyer-${i}`);
    const results = await Promise.all(users.map((u) => claimer(u).post(claimPath(show, coupon))));
    const won = results.filter((r) => r.status === 201);
    expect(won).toHaveLength(99); // the probe took one of the 100
    expect(results.filter((r) => r.status === 410).every((r) => r.body.code === 'SOLD_OUT')).toBe(true);
    expect(won.length + results.filter((r) => r.status === 410).length).toBe(2000);

    // a viewer who holds one hears that, rather than "sold out"
    expect((await claimer('probe').post(claimPath(show, coupon))).body.code).toBe('ALREADY_CLAIMED');
    await waitFor('100 claims persisted', async () => (await pg.query('SELECT count(*)::int AS n FROM burst.coupon_claims WHERE coupon_id = $1', [coupon])).rows[0].n === 100);
    const { rows } = await pg.query('SELECT user_id, count(*)::int AS n FROM burst.coupon_claims WHERE coupon_id = $1 GROUP BY user_id HAVING count(*) > 1', [coupon]);
    expect(rows).toEqual([]);
    await v.waitForEvent('coupon.stock', (s) => s.couponId === coupon && s.remaining === 0);
  });

  it('one per viewer, 409 once hidden or for a coupon not on offer', async () => {
    const { show, coupon } = await showWithCoupon(10);
    await stack.seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/expose`);
    const me = claimer(`me-${randomUUID()}`);
    const first = await waitFor('claimable', async () => {
      const r = await me.post(claimPath(show, coupon));
      return r.status === 201 ? r : undefined;
    });
    expect(first.body.claimId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await me.post(claimPath(show, coupon));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_CLAIMED', field: 'couponId' });

    await stack.seller.post(`/v1/broadcasts/${show}/coupons/${coupon}/hide`);
    await waitFor('hidden in burst-api', async () => (await claimer(`late-${randomUUID()}`).post(claimPath(show, coupon))).body.code === 'NOT_EXPOSED');
    expect((await me.post(claimPath(show, randomUUID()))).body).toMatchObject({ code: 'NOT_EXPOSED', field: 'couponId' });
    expect((await me.post(claimPath(show, 'not-a-uuid'))).body.field).toBe('couponId');
    expect((await http(stack.burst.url).post(claimPath(show, coupon))).status).toBe(401);
  });
});
