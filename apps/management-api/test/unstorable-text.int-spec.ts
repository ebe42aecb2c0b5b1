import { randomUUID } from 'node:crypto';
import { AppProcess, HttpResult, encodeAny, http, tokenFor, useStack } from '@live/testing';
import { Fixtures } from './fixtures';

// Found by the fuzz suite: a NUL or half a surrogate pair in any text field passed validation
// and Postgres refused it (text and jsonb alike), a 500 after the input was taken. Each is
// now a 400 naming the field, nothing is stored, and the lists answer as before.
describe('management-api text Postgres cannot store', () => {
  const { stack, pg } = useStack({
    app: undefined as unknown as AppProcess,
    async start() {
      this.app = await AppProcess.start('management-api');
    },
    async stop() {
      await this.app?.stop();
    },
  });

  it.each(['bad\u0000text', 'half \ud800 a pair', '\udc00'])('refuses %j in every kind of text field with a 400', async (bad) => {
    const admin = http(stack.app.url, tokenFor('admin-unstorable', ['admin']));
    const fx = new Fixtures(stack.app);
    const show = await fx.show(`seller-${randomUUID()}`);
    const later = new Date(Date.now() + 3600_000).toISOString();
    const before = (await pg.query(`SELECT (SELECT count(*) FROM management.broadcasts) + (SELECT count(*) FROM management.products) AS n`)).rows[0].n;
    const attempts: [string, () => Promise<HttpResult>][] = [
      ['title', () => admin.post('/v1/broadcasts', { title: bad, scheduledAt: later, sellerId: 's' })],
      ['title', () => admin.patch(`/v1/broadcasts/${show.id}`, { title: bad })],
      ['sellerId', () => admin.post('/v1/broadcasts', { title: 't', scheduledAt: later, sellerId: bad })],
      ['name', () => admin.post('/v1/products', { name: bad, price: 1, currency: 'KRW', stock: 1, sellerId: 's' })],
      ['question', () => admin.post(`/v1/broadcasts/${show.id}/polls`, { question: bad, options: ['a', 'b'] })],
      ['options.1', () => admin.post(`/v1/broadcasts/${show.id}/polls`, { question: 'q', options: ['a', bad] })],
      ['text', () => admin.post(`/v1/broadcasts/${show.id}/notices`, { text: bad })],
      ['reason', () => admin.post('/v1/bans', { userId: 'u', reason: bad })],
      ['userId', () => admin.post(`/v1/broadcasts/${show.id}/bans`, { userId: bad, reason: 'spam' })],
      ['userId', () => admin.delete(`/v1/broadcasts/${show.id}/bans/${encodeAny(bad)}`)],
    ];
    for (const [field, send] of attempts) {
      const res = await send();
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      // a path Express cannot decode (a lone surrogate's bytes) is its own 400
      expect(res.body.code).toMatch(/^(VALIDATION_FAILED|BAD_REQUEST)$/);
      expect(typeof res.body.field).toBe('string');
    }
    const after = (await pg.query(`SELECT (SELECT count(*) FROM management.broadcasts) + (SELECT count(*) FROM management.products) AS n`)).rows[0].n;
    expect(after).toBe(before);
    for (const path of ['/v1/broadcasts?limit=100', '/v1/products?limit=100', `/v1/broadcasts/${show.id}/polls`, `/v1/broadcasts/${show.id}/notices`, '/v1/bans', '/v1/audit?limit=100']) {
      expect({ path, status: (await admin.get(path)).status }).toEqual({ path, status: 200 });
    }
  });
});
