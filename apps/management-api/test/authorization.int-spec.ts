import { randomUUID } from 'node:crypto';
import { AppProcess, http, tokenFor } from '@live/testing';
import { Fixtures } from './fixtures';

// Every write endpoint x every kind of caller: admin and operator manage everything, a seller
// only its own shows and products, another seller and a viewer nothing. No token is 401.
type Actor = 'viewer' | 'owner' | 'otherSeller' | 'operator' | 'admin';
const ACTORS: Actor[] = ['viewer', 'owner', 'otherSeller', 'operator', 'admin'];

interface Case {
  name: string;
  /** builds what the call needs (as admin) and returns the request */
  prepare(fx: Fixtures, owner: string): Promise<{ method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'; path: string; body?: unknown }>;
  /** who may; default: owner, operator, admin */
  allowed?: Actor[];
}

const staffOnly: Actor[] = ['operator', 'admin'];
const cases: Case[] = [
  { name: 'create show', prepare: async (_, owner) => ({ method: 'POST', path: '/v1/broadcasts', body: { title: 't', sellerId: owner, scheduledAt: '2030-01-01T00:00:00Z' } }) },
  { name: 'update show', prepare: async (fx, owner) => ({ method: 'PATCH', path: `/v1/broadcasts/${(await fx.show(owner)).id}`, body: { title: 'new' } }) },
  { name: 'chat settings', prepare: async (fx, owner) => ({ method: 'PUT', path: `/v1/broadcasts/${(await fx.show(owner)).id}/chat-settings`, body: { slowModeSeconds: 5 } }) },
  { name: 'start show', prepare: async (fx, owner) => ({ method: 'POST', path: `/v1/broadcasts/${(await fx.show(owner)).id}/start` }) },
  { name: 'end show', prepare: async (fx, owner) => ({ method: 'POST', path: `/v1/broadcasts/${(await fx.liveShow(owner)).id}/end` }) },
  { name: 'create product', prepare: async (_, owner) => ({ method: 'POST', path: '/v1/products', body: { name: 'p', price: 1, currency: 'KRW', stock: 1, sellerId: owner } }) },
  { name: 'update product', prepare: async (fx, owner) => ({ method: 'PATCH', path: `/v1/products/${(await fx.product(owner)).id}`, body: { stock: 5 } }) },
  {
    name: 'add product to show',
    prepare: async (fx, owner) => {
      const [s, p] = [await fx.show(owner), await fx.product(owner)];
      return { method: 'POST', path: `/v1/broadcasts/${s.id}/products`, body: { productId: p.id } };
    },
  },
  {
    name: 'reorder show products',
    prepare: async (fx, owner) => {
      const { show, product } = await fx.showWithProduct(owner);
      return { method: 'PUT', path: `/v1/broadcasts/${show.id}/products/order`, body: { productIds: [product.id] } };
    },
  },
  {
    name: 'remove product from show',
    prepare: async (fx, owner) => {
      const { show, product } = await fx.showWithProduct(owner);
      return { method: 'DELETE', path: `/v1/broadcasts/${show.id}/products/${product.id}` };
    },
  },
  {
    name: 'pin product',
    prepare: async (fx, owner) => {
      const { show, product } = await fx.showWithProduct(owner);
      return { method: 'POST', path: `/v1/broadcasts/${show.id}/products/${product.id}/pin` };
    },
  },
  {
    name: 'unpin product',
    prepare: async (fx, owner) => {
      const { show, product } = await fx.showWithProduct(owner, { pinned: true });
      return { method: 'POST', path: `/v1/broadcasts/${show.id}/products/${product.id}/unpin` };
    },
  },
  {
    name: 'create coupon',
    prepare: async (fx, owner) => ({
      method: 'POST',
      path: `/v1/broadcasts/${(await fx.show(owner)).id}/coupons`,
      body: { name: 'c', discountType: 'amount', discountValue: 1000, currency: 'KRW', totalQuantity: 5, validFrom: '2030-01-01T00:00:00Z', validUntil: '2030-01-02T00:00:00Z' },
    }),
  },
  {
    name: 'expose coupon',
    prepare: async (fx, owner) => {
      const s = await fx.show(owner);
      return { method: 'POST', path: `/v1/broadcasts/${s.id}/coupons/${(await fx.coupon(s.id)).id}/expose` };
    },
  },
  {
    name: 'hide coupon',
    prepare: async (fx, owner) => {
      const s = await fx.show(owner);
      const c = await fx.coupon(s.id);
      await fx.post(`/v1/broadcasts/${s.id}/coupons/${c.id}/expose`);
      return { method: 'POST', path: `/v1/broadcasts/${s.id}/coupons/${c.id}/hide` };
    },
  },
  { name: 'post notice', prepare: async (fx, owner) => ({ method: 'POST', path: `/v1/broadcasts/${(await fx.show(owner)).id}/notices`, body: { text: 'hi', ttlSeconds: 30 } }) },
  {
    name: 'clear notice',
    prepare: async (fx, owner) => {
      const s = await fx.show(owner);
      return { method: 'POST', path: `/v1/broadcasts/${s.id}/notices/${(await fx.notice(s.id)).id}/clear` };
    },
  },
  { name: 'create poll', prepare: async (fx, owner) => ({ method: 'POST', path: `/v1/broadcasts/${(await fx.show(owner)).id}/polls`, body: { question: 'q', options: ['a', 'b'] } }) },
  {
    name: 'open poll',
    prepare: async (fx, owner) => {
      const s = await fx.show(owner);
      return { method: 'POST', path: `/v1/broadcasts/${s.id}/polls/${(await fx.poll(s.id)).id}/open` };
    },
  },
  {
    name: 'close poll',
    prepare: async (fx, owner) => {
      const s = await fx.show(owner);
      const p = await fx.poll(s.id);
      await fx.post(`/v1/broadcasts/${s.id}/polls/${p.id}/open`);
      return { method: 'POST', path: `/v1/broadcasts/${s.id}/polls/${p.id}/close` };
    },
  },
  { name: 'ban from show', prepare: async (fx, owner) => ({ method: 'POST', path: `/v1/broadcasts/${(await fx.show(owner)).id}/bans`, body: { userId: `u-${randomUUID()}`, reason: 'spam' } }) },
  {
    name: 'unban from show',
    prepare: async (fx, owner) => {
      const s = await fx.show(owner);
      return { method: 'DELETE', path: `/v1/broadcasts/${s.id}/bans/${(await fx.ban(s.id)).userId}` };
    },
  },
  { name: 'delete chat message', prepare: async (fx, owner) => ({ method: 'DELETE', path: `/v1/broadcasts/${(await fx.liveShow(owner)).id}/messages/${randomUUID()}` }) },
  { name: 'global ban', allowed: staffOnly, prepare: async () => ({ method: 'POST', path: '/v1/bans', body: { userId: `u-${randomUUID()}`, reason: 'fraud' } }) },
  { name: 'global unban', allowed: staffOnly, prepare: async (fx) => ({ method: 'DELETE', path: `/v1/bans/${(await fx.ban(null)).userId}` }) },
];

type Req = Awaited<ReturnType<Case['prepare']>>;
const send = (api: ReturnType<typeof http>, req: Req) =>
  req.method === 'POST' ? api.post(req.path, req.body)
  : req.method === 'PATCH' ? api.patch(req.path, req.body)
  : req.method === 'PUT' ? api.put(req.path, req.body)
  : api.delete(req.path);

describe('management-api authorization matrix', () => {
  let app: AppProcess;
  let fx: Fixtures;

  beforeAll(async () => {
    app = await AppProcess.start('management-api');
    fx = new Fixtures(app);
  });

  afterAll(() => app.stop());

  it.each(cases)('$name', async (c) => {
    const owner = `owner-${randomUUID()}`;
    const tokens: Record<Actor, string> = {
      viewer: tokenFor(`viewer-${randomUUID()}`, ['viewer']),
      owner: tokenFor(owner, ['seller']),
      otherSeller: tokenFor(`seller-${randomUUID()}`, ['seller']),
      operator: tokenFor(`op-${randomUUID()}`, ['operator']),
      admin: tokenFor(`admin-${randomUUID()}`, ['admin']),
    };
    const allowed = c.allowed ?? ['owner', 'operator', 'admin'];
    const seen: Record<string, number> = {};
    const expected: Record<string, number | string> = {};
    for (const actor of ACTORS) {
      const req = await c.prepare(fx, owner); // fresh state for each caller
      const res = await send(http(app.url, tokens[actor]), req);
      seen[actor] = res.status >= 200 && res.status < 300 ? 2 : res.status;
      expected[actor] = allowed.includes(actor) ? 2 : 403;
      if (actor === 'viewer') {
        const anonymous = await send(http(app.url), req);
        seen.anonymous = anonymous.status;
        expected.anonymous = 401;
      }
    }
    // 2 stands for any 2xx
    expect(seen).toEqual(expected);
  });
});
