import { randomUUID } from 'node:crypto';
import { AppProcess, testEnv } from '@live/testing';
import { Client } from 'pg';
import { Fixtures } from './fixtures';

// Bad input on every write endpoint answers 400 (or 404 for unknown ids) with a code and
// the field at fault, and changes nothing: no row, no audit entry, no event in the outbox.
describe('management-api bad input', () => {
  let app: AppProcess;
  let fx: Fixtures;
  const pg = new Client({ connectionString: testEnv().databaseUrl });

  beforeAll(async () => {
    app = await AppProcess.start('management-api');
    fx = new Fixtures(app);
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await app.stop();
  });

  async function tableCounts() {
    const tables = ['broadcasts', 'products', 'broadcast_products', 'coupons', 'notices', 'polls', 'bans', 'audit_log', 'outbox'];
    const counts: Record<string, number> = {};
    for (const t of tables) counts[t] = (await pg.query(`SELECT count(*)::int AS n FROM management.${t}`)).rows[0].n;
    return counts;
  }

  it('names the field, answers 4xx, and writes nothing', async () => {
    const seller = `seller-${randomUUID()}`;
    const { show, product } = await fx.showWithProduct(seller);
    const coupon = await fx.coupon(show.id);
    const poll = await fx.poll(show.id);
    const notice = await fx.notice(show.id);
    const unknown = randomUUID();
    const long = (n: number) => 'x'.repeat(n);
    const coupon0 = { name: 'c', discountType: 'percent', discountValue: 10, totalQuantity: 5, validFrom: '2030-01-01T00:00:00Z', validUntil: '2030-01-02T00:00:00Z' };
    const b = `/v1/broadcasts/${show.id}`;

    type Row = [method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body: unknown, status: number, field: string];
    const rows: Row[] = [
      ['POST', '/v1/broadcasts', { scheduledAt: '2030-01-01T00:00:00Z', sellerId: seller }, 400, 'title'],
      ['POST', '/v1/broadcasts', { title: long(121), scheduledAt: '2030-01-01T00:00:00Z', sellerId: seller }, 400, 'title'],
      ['POST', '/v1/broadcasts', { title: 't', scheduledAt: 'tomorrow', sellerId: seller }, 400, 'scheduledAt'],
      ['POST', '/v1/broadcasts', { title: 't', scheduledAt: '2030-01-01T00:00:00Z' }, 400, 'sellerId'],
      ['POST', '/v1/broadcasts', { title: 't', scheduledAt: '2030-01-01T00:00:00Z', sellerId: seller, colour: 'red' }, 400, 'colour'],
      ['POST', '/v1/broadcasts', [1, 2], 400, 'body'],
      ['PATCH', b, { title: 42 }, 400, 'title'],
      ['PATCH', b, {}, 400, 'body'],
      ['PATCH', `/v1/broadcasts/${unknown}`, { title: 'x' }, 404, 'id'],
      ['PATCH', '/v1/broadcasts/not-a-uuid', { title: 'x' }, 400, 'id'],
      ['POST', `/v1/broadcasts/${unknown}/start`, undefined, 404, 'id'],
      ['PUT', `${b}/chat-settings`, { slowModeSeconds: -1 }, 400, 'slowModeSeconds'],
      ['PUT', `${b}/chat-settings`, { slowModeSeconds: 5, displayBudgetPerSecond: 0 }, 400, 'displayBudgetPerSecond'],
      ['PUT', `${b}/chat-settings`, {}, 400, 'slowModeSeconds'],
      ['PUT', `/v1/broadcasts/${unknown}/chat-settings`, { slowModeSeconds: 5 }, 404, 'id'],
      ['POST', `/v1/broadcasts/${unknown}/end`, undefined, 404, 'id'],
      ['POST', '/v1/products', { name: 'p', price: -1, currency: 'KRW', stock: 1, sellerId: seller }, 400, 'price'],
      ['POST', '/v1/products', { name: 'p', price: 1.234, currency: 'KRW', stock: 1, sellerId: seller }, 400, 'price'],
      ['POST', '/v1/products', { name: 'p', price: 1, currency: 'won', stock: 1, sellerId: seller }, 400, 'currency'],
      ['POST', '/v1/products', { name: 'p', price: 1, currency: 'KRW', stock: '5', sellerId: seller }, 400, 'stock'],
      ['POST', '/v1/products', { name: long(121), price: 1, currency: 'KRW', stock: 1, sellerId: seller }, 400, 'name'],
      ['POST', '/v1/products', { name: 'p', price: 1, currency: 'KRW', stock: 1, sellerId: seller, imageUrl: 'ftp://x' }, 400, 'imageUrl'],
      ['PATCH', `/v1/products/${unknown}`, { stock: 1 }, 404, 'id'],
      ['PATCH', `/v1/products/${product.id}`, { stock: -1 }, 400, 'stock'],
      ['POST', `${b}/products`, { productId: unknown }, 404, 'productId'],
      ['POST', `${b}/products`, { productId: 'nope' }, 400, 'productId'],
      ['POST', `${b}/products`, {}, 400, 'productId'],
      ['PUT', `${b}/products/order`, { productIds: [unknown] }, 400, 'productIds'],
      ['PUT', `${b}/products/order`, { productIds: [] }, 400, 'productIds'],
      ['DELETE', `${b}/products/${unknown}`, undefined, 404, 'productId'],
      ['POST', `${b}/products/${unknown}/pin`, undefined, 404, 'productId'],
      ['POST', `${b}/products/${product.id}/unpin`, undefined, 409, 'productId'],
      ['POST', `${b}/coupons`, { ...coupon0, discountType: 'free' }, 400, 'discountType'],
      ['POST', `${b}/coupons`, { ...coupon0, discountValue: 150 }, 400, 'discountValue'],
      ['POST', `${b}/coupons`, { ...coupon0, discountType: 'amount' }, 400, 'currency'],
      ['POST', `${b}/coupons`, { ...coupon0, totalQuantity: 0 }, 400, 'totalQuantity'],
      ['POST', `${b}/coupons`, { ...coupon0, validUntil: '2029-01-01T00:00:00Z' }, 400, 'validUntil'],
      ['POST', `${b}/coupons`, { ...coupon0, name: long(81) }, 400, 'name'],
      ['POST', `/v1/broadcasts/${unknown}/coupons`, coupon0, 404, 'id'],
      ['POST', `${b}/coupons/${unknown}/expose`, undefined, 404, 'couponId'],
      ['POST', `${b}/coupons/${coupon.id}/hide`, undefined, 409, 'couponId'],
      ['POST', `${b}/notices`, { text: '' }, 400, 'text'],
      ['POST', `${b}/notices`, { text: long(301) }, 400, 'text'],
      ['POST', `${b}/notices`, { text: 'hi', ttlSeconds: 0 }, 400, 'ttlSeconds'],
      ['POST', `${b}/notices/${unknown}/clear`, undefined, 404, 'noticeId'],
      ['POST', `${b}/polls`, { question: 'q', options: ['only one'] }, 400, 'options'],
      ['POST', `${b}/polls`, { question: 'q', options: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }, 400, 'options'],
      ['POST', `${b}/polls`, { question: 'q', options: ['a', 'a'] }, 400, 'options'],
      ['POST', `${b}/polls`, { question: long(201), options: ['a', 'b'] }, 400, 'question'],
      ['POST', `${b}/polls/${unknown}/open`, undefined, 404, 'pollId'],
      ['POST', `${b}/polls/${poll.id}/close`, undefined, 409, 'status'],
      ['POST', `${b}/bans`, { reason: 'spam' }, 400, 'userId'],
      ['POST', `${b}/bans`, { userId: 'u', reason: 'spam', durationSeconds: -5 }, 400, 'durationSeconds'],
      ['POST', `${b}/bans`, { userId: long(129), reason: 'spam' }, 400, 'userId'],
      ['DELETE', `${b}/bans/nobody-${randomUUID()}`, undefined, 404, 'userId'],
      ['DELETE', `${b}/messages/not-a-uuid`, undefined, 400, 'messageId'],
      ['DELETE', `/v1/broadcasts/${unknown}/messages/${unknown}`, undefined, 404, 'id'],
      ['POST', '/v1/bans', { userId: 'u', reason: long(501) }, 400, 'reason'],
      ['DELETE', `/v1/bans/nobody-${randomUUID()}`, undefined, 404, 'userId'],
    ];

    const before = await tableCounts();
    const failures: string[] = [];
    for (const [method, path, body, status, field] of rows) {
      const res =
        method === 'POST' ? await fx.admin.post(path, body)
        : method === 'PATCH' ? await fx.admin.patch(path, body)
        : method === 'PUT' ? await fx.admin.put(path, body)
        : await fx.admin.delete(path);
      const ok = res.status === status && res.body?.field === field && typeof res.body?.code === 'string' && res.body?.correlationId;
      if (!ok) failures.push(`${method} ${path} ${JSON.stringify(body)} -> ${res.status} ${JSON.stringify(res.body)} (wanted ${status} on ${field})`);
    }
    expect(failures).toEqual([]);
    expect(await tableCounts()).toEqual(before);
    expect(notice.active).toBe(true);
  });

  it('answers invalid JSON with a code and the body named', async () => {
    const res = await fx.admin.raw('POST', '/v1/broadcasts', '{"title": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_JSON', field: 'body' });
    expect(res.body.correlationId).toBeTruthy();
  });
});
