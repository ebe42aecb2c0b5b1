import { randomUUID } from 'node:crypto';
import { AppProcess, HttpCase, describeFindings, fuzzHttp, fuzzSettings, http, openApiOperations, tokenFor, useStack } from '@live/testing';
import { Fixtures } from './fixtures';

// Every operation of management-api's OpenAPI document, fuzzed (fast-check, seeded, bounded:
// FUZZ_SEED / FUZZ_RUNS): no 5xx, every refusal a 4xx { code, message, field }, and no row
// written by a refused request. Then the lists still answer (a stored value once broke them).
describe('management-api fuzz', () => {
  const { stack, pg } = useStack({
    app: undefined as unknown as AppProcess,
    async start() {
      this.app = await AppProcess.start('management-api');
    },
    async stop() {
      await this.app?.stop();
    },
  });

  // every table of the schema, counted in one statement: a refused write must change none
  let countSql = '';
  const rows = async () => Number((await pg.query<{ n: string }>(countSql)).rows[0].n);

  it('answers every fuzzed request with a 2xx or a clean 4xx and stores nothing it refused', async () => {
    const tables = await pg.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'management' AND table_type = 'BASE TABLE'`);
    expect(tables.rows.length).toBeGreaterThan(3);
    countSql = `SELECT (${tables.rows.map((t) => `(SELECT count(*) FROM management."${t.table_name}")`).join(' + ')}) AS n`;

    const fx = new Fixtures(stack.app);
    const seller = `fuzz-user-seller`;
    const { show, product } = await fx.showWithProduct(seller);
    const coupon = await fx.coupon(show.id);
    const poll = await fx.poll(show.id);
    const notice = await fx.notice(show.id);
    const known: Record<string, string> = { id: show.id, broadcastId: show.id, productId: product.id, couponId: coupon.id, pollId: poll.id, noticeId: notice.id, userId: `viewer-${randomUUID()}` };

    const ops = await openApiOperations(stack.app.url);
    expect(ops.length).toBeGreaterThan(20);
    const { seed, runs } = fuzzSettings();
    let before = await rows();
    const report = await fuzzHttp(stack.app.url, ops, {
      seed,
      runs,
      fill: (name) => known[name],
      afterWrite: async (c: HttpCase, status: number) => {
        // accepted writes may add rows (and the outbox relay removes its own): only a refusal
        // is held to "nothing", from the count the last answer left
        const [was, now] = [before, await rows()];
        before = now;
        return status >= 400 && now > was ? `a refused ${c.method} left ${now - was} row(s) behind` : undefined;
      },
    });
    console.log(`management-api fuzz: ${report.cases} cases over ${ops.length} operations, statuses ${JSON.stringify(report.statuses)}, 5xx ${report.fiveXx}`);
    expect(stack.app.running).toBe(true);
    expect(describeFindings(report.findings)).toBe('');
    expect(report.fiveXx).toBe(0);
  });

  it('still lists everything after the fuzz (a stored value once broke the lists)', async () => {
    const admin = http(stack.app.url, tokenFor('fuzz-admin', ['admin']));
    for (const path of ['/v1/broadcasts?limit=100', '/v1/products?limit=100', '/v1/audit?limit=100']) {
      const res = await admin.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });
});
