import { randomUUID } from 'node:crypto';
import { AppProcess, Http, http, tokenFor } from '@live/testing';

/** Builds shows and their parts through the API, as an admin would. */
export class Fixtures {
  readonly admin: Http;

  constructor(readonly app: AppProcess) {
    this.admin = http(app.url, tokenFor('fixture-admin', ['admin']));
  }

  private async ok<T = any>(p: Promise<{ status: number; body: T }>): Promise<T> {
    const r = await p;
    if (r.status >= 300) throw new Error(`fixture call failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  show(sellerId: string, title = 'Fixture show') {
    return this.ok(this.admin.post('/v1/broadcasts', { title, sellerId, scheduledAt: new Date(Date.now() + 3600_000).toISOString() }));
  }

  async liveShow(sellerId: string) {
    const s = await this.show(sellerId);
    return this.ok(this.admin.post(`/v1/broadcasts/${s.id}/start`));
  }

  product(sellerId: string, name = 'Fixture product') {
    return this.ok(this.admin.post('/v1/products', { name, price: 1000, currency: 'KRW', stock: 10, sellerId }));
  }

  async showWithProduct(sellerId: string, opts: { pinned?: boolean } = {}) {
    const show = await this.show(sellerId);
    const product = await this.product(sellerId);
    await this.ok(this.admin.post(`/v1/broadcasts/${show.id}/products`, { productId: product.id }));
    if (opts.pinned) await this.ok(this.admin.post(`/v1/broadcasts/${show.id}/products/${product.id}/pin`));
    return { show, product };
  }

  coupon(broadcastId: string) {
    const now = Date.now();
    return this.ok(
      this.admin.post(`/v1/broadcasts/${broadcastId}/coupons`, {
        name: '10% off',
        discountType: 'percent',
        discountValue: 10,
        totalQuantity: 100,
        perUserLimit: 1,
        validFrom: new Date(now - 60_000).toISOString(),
        validUntil: new Date(now + 3600_000).toISOString(),
      }),
    );
  }

  notice(broadcastId: string) {
    return this.ok(this.admin.post(`/v1/broadcasts/${broadcastId}/notices`, { text: 'Free shipping today' }));
  }

  poll(broadcastId: string) {
    return this.ok(this.admin.post(`/v1/broadcasts/${broadcastId}/polls`, { question: 'Colour?', options: ['Red', 'Blue'] }));
  }

  ban(broadcastId: string | null, userId = `u-${randomUUID()}`) {
    const path = broadcastId ? `/v1/broadcasts/${broadcastId}/bans` : '/v1/bans';
    return this.ok(this.admin.post(path, { userId, reason: 'spam' }));
  }

  post(path: string) {
    return this.ok(this.admin.post(path));
  }
}
