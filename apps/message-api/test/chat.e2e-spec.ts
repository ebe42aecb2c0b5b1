import { randomUUID } from 'node:crypto';
import { ChatBatch } from '@live/contracts';
import { http, tokenFor, useStack, waitFor } from '@live/testing';
import { ChatStack } from './chat-stack';

// Chat end to end on the real stack (Kafka, Redis, Postgres; two gateways joined by the
// Redis adapter) with real socket.io clients.
describe('live chat', () => {
  const { stack, pg } = useStack(new ChatStack());

  const storedCount = async (broadcastId: string) =>
    (await pg.query('SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM chat.messages WHERE broadcast_id = $1', [broadcastId])).rows[0];

  it('delivers every line in order to viewers on both gateways, nothing lost', async () => {
    const show = await stack.liveShow({ displayBudgetPerSecond: 10_000 });
    const [a, b] = [stack.viewer(0), stack.viewer(1)];
    await Promise.all([a.join(show), b.join(show)]);
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) {
      // 20 viewers, 3 lines each: inside the default burst of 3
      const res = await stack.post(stack.chat(`u${i % 20}-${show}`), show, `line ${i}`);
      expect(res.status).toBe(202);
      sent.push(res.body.messageId);
    }
    for (const v of [a, b]) {
      await waitFor('all 60 lines', () => v.chatLines().length >= 60);
      expect(v.chatLines().map((l) => l.messageId)).toEqual(sent);
      // seq (`<ms>-<n>`) grows with every line
      const seqs = v.chatLines().map((l) => l.seq.split('-').map(BigInt));
      seqs.slice(1).forEach(([ms, n], i) => expect(ms > seqs[i][0] || (ms === seqs[i][0] && n > seqs[i][1])).toBe(true));
    }
    // micro-batching: fewer frames than lines
    expect(a.events('chat.batch').length).toBeLessThan(60);
    await waitFor('all stored', async () => (await storedCount(show)).n === 60);
  });

  it('rate-limits a viewer, and slow mode overrides it per show (sellers exempt)', async () => {
    const show = await stack.liveShow();
    const api = stack.chat(`fast-${randomUUID()}`);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await stack.post(api, show, `quick ${i}`)).status);
    expect(codes).toEqual([202, 202, 202, 429]);
    const limited = await stack.post(api, show, 'again');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const slow = await stack.liveShow({ slowModeSeconds: 30 });
    const viewer = stack.chat(`slowpoke-${randomUUID()}`);
    expect((await stack.post(viewer, slow, 'first')).status).toBe(202);
    const second = await stack.post(viewer, slow, 'second');
    expect(second.status).toBe(429);
    expect(second.body.message).toContain('slow mode');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(25);
    const sellerChat = stack.chat(stack.seller, ['seller']);
    expect((await stack.post(sellerChat, slow, 'seller 1')).status).toBe(202);
    expect((await stack.post(sellerChat, slow, 'seller 2')).status).toBe(202);
  });

  it('refuses banned users, and shows that are not live', async () => {
    const show = await stack.liveShow();
    const userId = `troll-${randomUUID()}`;
    const api = stack.chat(userId);
    expect((await stack.post(api, show, 'before ban')).status).toBe(202);
    expect((await stack.sellerApi.post(`/v1/broadcasts/${show}/bans`, { userId, reason: 'spam' })).status).toBe(201);
    const banned = await waitFor('ban applied', async () => {
      const r = await stack.post(api, show, 'after ban');
      return r.status === 403 ? r : undefined;
    });
    expect(banned.body.code).toBe('BANNED');

    const scheduled = (await stack.sellerApi.post('/v1/broadcasts', { title: 'later', scheduledAt: '2030-01-01T00:00:00Z' })).body;
    const notLive = await waitFor('status mirrored', async () => {
      const r = await stack.post(stack.chat(`v-${randomUUID()}`), scheduled.id, 'hello?');
      return r.status === 409 ? r : undefined;
    });
    expect(notLive.body).toMatchObject({ code: 'NOT_LIVE', field: 'id' });
  });

  it('deletes a line for every viewer and from the recent list', async () => {
    const show = await stack.liveShow();
    const [a, b] = [stack.viewer(0), stack.viewer(1)];
    await Promise.all([a.join(show), b.join(show)]);
    const keep = (await stack.post(stack.chat(`k-${randomUUID()}`), show, 'keep me')).body.messageId;
    const gone = (await stack.post(stack.chat(`g-${randomUUID()}`), show, 'delete me')).body.messageId;
    await waitFor('both delivered', () => a.chatLines().length === 2 && b.chatLines().length === 2);
    expect((await stack.sellerApi.delete(`/v1/broadcasts/${show}/messages/${gone}`)).status).toBe(204);
    for (const v of [a, b]) await v.waitForEvent('chat.deleted', (d) => d.messageId === gone);
    const late = stack.viewer(1);
    const ack = await late.join(show);
    expect(ack.ok && ack.snapshot.recentChat.map((l) => l.messageId)).toEqual([keep]);
    await waitFor('marked deleted in Postgres', async () =>
      (await pg.query('SELECT deleted_at FROM chat.messages WHERE message_id = $1', [gone])).rows[0]?.deleted_at != null,
    );
  });

  it('answers a repeated clientMessageId with the first answer and stores one line', async () => {
    const show = await stack.liveShow();
    const api = stack.chat(`dup-${randomUUID()}`);
    const clientId = randomUUID();
    const [first, second] = await Promise.all([stack.post(api, show, 'once', clientId), stack.post(api, show, 'once', clientId)]);
    const third = await stack.post(api, show, 'once again?', clientId);
    expect([first.status, second.status, third.status]).toEqual([202, 202, 202]);
    expect(second.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    // a later line of the same show comes after every copy in the show's partition: once it
    // is stored, a second copy of the first would be too
    const marker = await stack.post(api, show, 'marker');
    expect(marker.status).toBe(202);
    await waitFor('marker stored', async () => (await storedCount(show)).n === 2);
    expect(await storedCount(show)).toEqual({ n: 2, d: 2 });
  });

  it('gives a viewer who reconnects what it missed, without gaps', async () => {
    const show = await stack.liveShow({ displayBudgetPerSecond: 1000 });
    const v = stack.viewer(0);
    await v.join(show);
    const api = stack.chat(`r-${randomUUID()}`, ['seller']);
    await stack.post(api, show, 'seen');
    await waitFor('first line', () => v.chatLines().length === 1);
    const lastSeq = v.chatLines()[0].seq;
    v.close();

    const missed: string[] = [];
    for (let i = 0; i < 5; i++) missed.push((await stack.post(stack.chat(`m${i}-${show}`), show, `while away ${i}`)).body.messageId);
    await waitFor('stored', async () => (await storedCount(show)).n === 6);

    // the chat log gets a window's lines alongside the insert: rejoin until it has them all
    const back = stack.viewer(1);
    const ack = await waitFor('the log has every missed line', async () => {
      const a = await back.join(show, lastSeq);
      return a.ok && a.missed?.lines.length === missed.length ? a : undefined;
    });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.missed?.complete).toBe(true);
    expect(ack.missed?.lines.map((l) => l.messageId)).toEqual(missed);
  });

  it('sheds load above the display budget: priority lines always, the rest counted', async () => {
    const show = await stack.liveShow({ displayBudgetPerSecond: 5 });
    const v = stack.viewer(1);
    await v.join(show);
    const posts = [];
    for (let i = 0; i < 60; i++) posts.push(stack.post(stack.chat(`crowd${i % 30}-${show}`), show, `crowd ${i}`));
    const sellerChat = stack.chat(stack.seller, ['seller']);
    const modChat = stack.chat(`mod-${randomUUID()}`, ['moderator']);
    posts.push(stack.post(sellerChat, show, 'SELLER: 50% off now'), stack.post(modChat, show, 'MOD: be nice'));
    const results = await Promise.all(posts);
    const accepted = results.filter((r) => r.status === 202).map((r) => r.body.messageId);
    expect(accepted).toHaveLength(62);

    await waitFor('every line stored', async () => (await storedCount(show)).n === 62);
    const batches = () => v.events('chat.batch') as ChatBatch[];
    await waitFor('every line accounted for', () => batches().reduce((n, b) => n + b.lines.length + b.suppressed, 0) === 62);
    const shown = batches().flatMap((b) => b.lines);
    const suppressed = batches().reduce((n, b) => n + b.suppressed, 0);
    expect(shown.map((l) => l.text)).toEqual(expect.arrayContaining(['SELLER: 50% off now', 'MOD: be nice']));
    expect(suppressed).toBeGreaterThan(0);
    expect(shown.length + suppressed).toBe(62);
    const { rows } = await pg.query('SELECT count(*) FILTER (WHERE shown)::int AS shown, count(*)::int AS total FROM chat.messages WHERE broadcast_id = $1', [show]);
    expect(rows[0]).toEqual({ shown: shown.length, total: 62 });
  });

  it('answers bad input with 4xx and the field at fault', async () => {
    const show = await stack.liveShow();
    const api = stack.chat(`bad-${randomUUID()}`);
    const cases: [unknown, number, string][] = [
      [{ clientMessageId: 'a', text: '' }, 400, 'text'],
      [{ clientMessageId: 'b', text: '   ' }, 400, 'text'],
      [{ clientMessageId: 'c', text: 'x'.repeat(201) }, 400, 'text'],
      [{ clientMessageId: 'd', text: 'line\u0000break' }, 400, 'text'],
      [{ clientMessageId: 'e', text: 'new\nline' }, 400, 'text'],
      [{ clientMessageId: 'f', text: 42 }, 400, 'text'],
      [{ text: 'no id' }, 400, 'clientMessageId'],
      [{ clientMessageId: 'x'.repeat(65), text: 'hi' }, 400, 'clientMessageId'],
      [{ clientMessageId: 'g', text: 'hi', colour: 'red' }, 400, 'colour'],
      [[1, 2], 400, 'body'],
    ];
    for (const [body, status, field] of cases) {
      const res = await api.post(`/v1/broadcasts/${show}/messages`, body);
      expect({ body, status: res.status, field: res.body.field }).toEqual({ body, status, field });
    }
    const invalidJson = await api.raw('POST', `/v1/broadcasts/${show}/messages`, '{"text": "hi"');
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body).toMatchObject({ code: 'INVALID_JSON', field: 'body' });
    const noToken = await http(stack.messageApi.url).post(`/v1/broadcasts/${show}/messages`, { clientMessageId: 'h', text: 'hi' });
    expect(noToken.status).toBe(401);
    expect(noToken.body.field).toBe('authorization');
    const unknown = await api.post(`/v1/broadcasts/${randomUUID()}/messages`, { clientMessageId: 'i', text: 'hi' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('id');
    const masked = await stack.post(stack.chat(`m-${randomUUID()}`, ['viewer']), show, 'this is a SCAM');
    expect(masked.status).toBe(202);
    await waitFor('masked line stored', async () => (await pg.query('SELECT text FROM chat.messages WHERE message_id = $1', [masked.body.messageId])).rows[0]?.text === 'this is a ****');
    // nothing of the refused lines was stored
    expect((await storedCount(show)).n).toBe(1);
    expect(tokenFor).toBeDefined();
  });
});
