import { request } from 'node:http';
import path from 'node:path';
import { tokenFor, waitFor } from '@live/testing';
import type { Page } from 'playwright-core';
import { WebStack, artifactsDir } from './web-stack';

// The two faces in a real browser (Debian chromium, headless) against the real stack: a seller
// runs a show from the admin console while viewers watch, claim, chat and tap on the viewer
// page. The steps build on one another, as a show does. No video in this stack: both pages
// must work without it.
jest.setTimeout(120_000);

/** What a page says to burst-api: frames on its websocket (/v1/ws), their answers, and its POSTs. */
function burstTraffic(page: Page) {
  const sent: Array<{ id: string | number; event: string; data: { taps?: number[] } }> = [];
  const answers = new Map<string, { ok: boolean }>();
  const posts: string[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/v1/ws')) return;
    ws.on('framesent', (f) => void (typeof f.payload === 'string' && sent.push(JSON.parse(f.payload))));
    ws.on('framereceived', (f) => {
      if (typeof f.payload !== 'string') return;
      const { id, ...ack } = JSON.parse(f.payload);
      answers.set(String(id), ack);
    });
  });
  page.on('request', (r) => void (r.method() === 'POST' && posts.push(new URL(r.url()).pathname)));
  return { sent, answers, posts };
}

describe('admin console and viewer page in a browser', () => {
  const stack = new WebStack();
  const sellerId = `seller-${Date.now().toString(36)}`;
  let admin: Page;
  /** every websocket the console opens (ws-gateway's; never burst-api's, as staff send no hearts) */
  const adminSockets: string[] = [];
  let ana: Page;
  let bo: Page;
  let anaBurst: ReturnType<typeof burstTraffic>;
  let showId: string;
  const viewerUrl = (token: string) => `${stack.viewer.url}/?show=${showId}&token=${token}`;

  beforeAll(async () => {
    await stack.start();
    admin = await stack.page('admin', 'desktop');
    admin.on('websocket', (ws) => void adminSockets.push(ws.url()));
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
  });

  // a page that logs an error to its console fails the test that was running
  afterEach(() => {
    const errors = stack.consoleErrors.splice(0);
    expect(errors).toEqual([]);
  });

  it('the APIs let the web apps\' origins call them, and no other origin', async () => {
    const preflight = (url: string, origin: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = request(`${url}/v1/broadcasts`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } }, (res) => {
          res.resume();
          resolve(res.headers);
        });
        req.on('error', reject);
        req.end();
      });
    for (const app of stack.apps.filter((a) => ['management-api', 'message-api', 'burst-api', 'analytics'].includes(a.app))) {
      expect((await preflight(app.url, stack.admin.url))['access-control-allow-origin']).toBe(stack.admin.url);
      expect((await preflight(app.url, stack.viewer.url))['access-control-allow-origin']).toBe(stack.viewer.url);
      expect((await preflight(app.url, 'http://elsewhere.example'))['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('the seller signs in, schedules a show with a product and a coupon, and goes live', async () => {
    await admin.goto(stack.admin.url);
    await admin.getByTestId('signin-token').fill(tokenFor(sellerId, ['seller'], 'Demo Seller'));
    await admin.getByTestId('signin-submit').click();
    await admin.getByTestId('who').filter({ hasText: 'Demo Seller' }).waitFor();

    await admin.getByTestId('show-title').fill('Spring kitchen sale');
    await admin.getByTestId('create-show').click();
    await admin.getByTestId('show-status').filter({ hasText: 'scheduled' }).waitFor();
    showId = new URL(admin.url()).searchParams.get('show')!;
    expect(showId).toMatch(/^[0-9a-f-]{36}$/);

    await admin.getByTestId('product-name').fill('Cast-iron pan');
    await admin.getByTestId('product-price').fill('39000');
    await admin.getByTestId('add-product').click();
    await admin.getByTestId('product-row').filter({ hasText: 'Cast-iron pan' }).waitFor();

    await admin.getByTestId('coupon-name').fill('Early bird');
    await admin.getByTestId('coupon-quantity').fill('1');
    await admin.getByTestId('add-coupon').click();
    await admin.getByTestId('coupon-stock').filter({ hasText: '1 / 1' }).waitFor();

    await admin.getByTestId('start').click();
    await admin.getByTestId('show-status').filter({ hasText: 'live' }).waitFor();
  });

  it('a pinned product appears on the viewer page', async () => {
    ana = await stack.page('viewer Ana', 'phone');
    anaBurst = burstTraffic(ana);
    await ana.goto(viewerUrl(tokenFor('viewer-ana', ['viewer'], 'Ana')));
    await ana.getByTestId('status').filter({ hasText: 'LIVE' }).waitFor();
    // the token left the address bar once read
    expect(ana.url()).not.toContain('token=');
    expect(await ana.getByTestId('pin').count()).toBe(0);

    await admin.getByTestId('pin').click();
    await admin.getByTestId('unpin').waitFor();
    const pin = ana.getByTestId('pin');
    await pin.filter({ hasText: 'Cast-iron pan' }).waitFor();
    expect(await pin.getByRole('link', { name: 'Buy' }).getAttribute('href')).toMatch(/^#\/buy\/[0-9a-f-]{36}$/);
  });

  it('an exposed coupon: the first viewer wins it, the next finds it sold out, the seller sees the stock fall', async () => {
    await admin.getByTestId('expose').click();
    const coupon = ana.getByTestId('coupon');
    await coupon.filter({ hasText: 'Early bird' }).waitFor();
    await coupon.getByTestId('coupon-claim').click();
    await coupon.getByTestId('coupon-result').filter({ hasText: 'You won it!' }).waitFor();

    bo = await stack.page('viewer Bo', 'phone');
    await bo.goto(viewerUrl(tokenFor('viewer-bo', ['viewer'], 'Bo')));
    // a late joiner gets the coupon in the join snapshot
    await bo.getByTestId('coupon').filter({ hasText: 'Early bird' }).waitFor();
    await bo.getByTestId('coupon-claim').click();
    await bo.getByTestId('coupon-result').filter({ hasText: 'Sold out' }).waitFor();

    await admin.getByTestId('coupon-stock').filter({ hasText: '0 / 1' }).waitFor();
    await ana.getByTestId('coupon-remaining').filter({ hasText: '0 left' }).waitFor();
  });

  it('a viewer chats and taps hearts 50 times: the console shows the line and exactly 50 more hearts', async () => {
    const before = Number(await admin.getByTestId('hearts-total').textContent());
    await ana.getByTestId('chat-input').fill('Is the pan oven-safe?');
    await ana.getByTestId('chat-send').click();
    await admin.getByTestId('admin-chat-line').filter({ hasText: 'Is the pan oven-safe?' }).waitFor();
    await ana.getByTestId('chat-line').filter({ hasText: 'Is the pan oven-safe?' }).waitFor();

    const heart = ana.getByTestId('heart-button');
    for (let i = 0; i < 50; i++) await heart.click();
    const expected = String(before + 50);
    await admin.getByTestId('hearts-total').filter({ hasText: new RegExp(`^${expected}$`) }).waitFor({ timeout: 30_000 });
    await ana.getByTestId('hearts-total').filter({ hasText: `♥ ${expected}` }).waitFor();
    // and not one more, once every batch has been answered
    await ana.locator('.pending').waitFor({ state: 'detached' });
    expect(await admin.getByTestId('hearts-total').textContent()).toBe(expected);
    // the SDK sent them as hearts.batch frames on burst-api's websocket, each answered ok, none over HTTP
    const batches = () => anaBurst.sent.filter((f) => f.event === 'hearts.batch');
    const taps = () => batches().reduce((n, f) => n + (f.data.taps?.length ?? 0), 0);
    await waitFor('50 taps sent and answered on the websocket', () => taps() >= 50 && batches().every((f) => anaBurst.answers.has(String(f.id))));
    expect(taps()).toBe(50);
    expect(batches().map((f) => anaBurst.answers.get(String(f.id))?.ok)).toEqual(batches().map(() => true));
    expect(anaBurst.posts.filter((p) => p.endsWith('/hearts'))).toEqual([]);
    // the console watched all of it over ws-gateway's socket alone: staff send nothing to burst-api
    expect(adminSockets.some((u) => u.includes('/socket.io/'))).toBe(true);
    expect(adminSockets.filter((u) => u.endsWith('/v1/ws'))).toEqual([]);
  });

  it('screenshots of both apps at desktop and phone sizes', async () => {
    // the scoreboard has ticks to draw by now
    await admin.getByTestId('scoreboard').locator('svg').first().waitFor({ timeout: 30_000 });
    await admin.screenshot({ path: path.join(artifactsDir, 'admin-desktop.png'), fullPage: true });
    await ana.screenshot({ path: path.join(artifactsDir, 'viewer-phone.png') });

    const adminPhone = await stack.page('admin phone', 'phone');
    await adminPhone.goto(stack.admin.url);
    await adminPhone.getByTestId('signin-token').fill(tokenFor(sellerId, ['seller'], 'Demo Seller'));
    await adminPhone.getByTestId('signin-submit').click();
    await adminPhone.getByTestId('show-row').first().click();
    await adminPhone.getByTestId('admin-chat-line').first().waitFor();
    await adminPhone.screenshot({ path: path.join(artifactsDir, 'admin-phone.png'), fullPage: true });

    const viewerDesktop = await stack.page('viewer desktop', 'desktop');
    await viewerDesktop.goto(`${stack.viewer.url}/?show=${showId}`);
    await viewerDesktop.getByTestId('pin').waitFor();
    await viewerDesktop.getByTestId('chat-line').first().waitFor();
    await viewerDesktop.screenshot({ path: path.join(artifactsDir, 'viewer-desktop.png') });
  });

  it('the seller deletes a line and bans its author: it leaves every screen and the next line is refused', async () => {
    await bo.getByTestId('chat-input').fill('cheap pans at spam.example');
    await bo.getByTestId('chat-send').click();
    const spam = admin.getByTestId('admin-chat-line').filter({ hasText: 'cheap pans at spam.example' });
    await spam.waitFor();
    await ana.getByTestId('chat-line').filter({ hasText: 'cheap pans at spam.example' }).waitFor();

    await spam.getByTestId('ban-user').click();
    await admin.getByTestId('bans').filter({ hasText: 'viewer-bo' }).waitFor();
    await spam.getByTestId('delete-line').click();
    await ana.getByTestId('chat-line').filter({ hasText: 'cheap pans at spam.example' }).waitFor({ state: 'detached' });
    await bo.getByTestId('chat-line').filter({ hasText: 'cheap pans at spam.example' }).waitFor({ state: 'detached' });
    await spam.waitFor({ state: 'detached' });
    // Ana's line stays
    expect(await ana.getByTestId('chat-line').filter({ hasText: 'Is the pan oven-safe?' }).count()).toBe(1);

    await bo.getByTestId('chat-input').fill('why was I removed');
    await bo.getByTestId('chat-send').click();
    await bo.getByTestId('chat-error').filter({ hasText: 'You are banned from this chat' }).waitFor();
    // the refused line reached nobody
    expect(await admin.getByTestId('admin-chat-line').filter({ hasText: 'why was I removed' }).count()).toBe(0);
  });

  it('the seller ends the show: the post-show report counts the 50 hearts and draws the heatmap', async () => {
    admin.once('dialog', (d) => void d.accept());
    await admin.getByTestId('end').click();
    await admin.getByTestId('show-status').filter({ hasText: 'ended' }).waitFor();
    await ana.getByTestId('status').filter({ hasText: 'ended' }).waitFor();
    await admin.getByTestId('report-hearts').filter({ hasText: /^50$/ }).waitFor({ timeout: 60_000 });
    await admin.locator('.recharts-bar-rectangle').first().waitFor();
    await admin.screenshot({ path: path.join(artifactsDir, 'admin-report.png'), fullPage: true });
  });
});
