import { randomUUID } from 'node:crypto';
import { SocketEvents, redisKeys } from '@live/contracts';
import { AppProcess, connected, fuzzSocket, http, testEnv, testRedis, tokenFor, useStack, waitFor } from '@live/testing';

// The abuse limits of the public paths, with limits lowered through the environment:
// per-user and per-IP rate limits on chat posts and coupon claims (counted in Redis, so two
// replicas share them), 429 + Retry-After; socket connects per IP, open sockets per IP, rooms
// per socket, joins per user, the socket message size; body size, helmet headers, CORS from
// config, and no credential in the logs.
describe('abuse limits', () => {
  const low = {
    RATE_LIMIT_CHAT_USER: '3/30',
    RATE_LIMIT_CHAT_IP: '8/30',
    RATE_LIMIT_CLAIMS_USER: '2/30',
    CORS_ORIGINS: 'https://shop.example',
  };
  const { stack } = useStack({
    chatA: undefined as unknown as AppProcess,
    chatB: undefined as unknown as AppProcess,
    burst: undefined as unknown as AppProcess,
    gwSockets: undefined as unknown as AppProcess,
    gwConnects: undefined as unknown as AppProcess,
    async start() {
      [this.chatA, this.chatB, this.burst, this.gwSockets, this.gwConnects] = await Promise.all([
        AppProcess.start('message-api', low),
        AppProcess.start('message-api', low),
        AppProcess.start('burst-api', low),
        AppProcess.start('ws-gateway', { WS_MAX_SOCKETS_PER_IP: '2', WS_MAX_ROOMS_PER_SOCKET: '2', RATE_LIMIT_WS_JOIN_USER: '4/30' }),
        AppProcess.start('ws-gateway', { RATE_LIMIT_WS_CONNECT_IP: '3/30' }),
      ]);
    },
    async stop() {
      await Promise.all([this.chatA, this.chatB, this.burst, this.gwSockets, this.gwConnects].map((a) => a?.stop()));
    },
  });
  const show = `show-${randomUUID()}`;
  const line = { text: 'hello', clientMessageId: randomUUID() };

  it('limits chat posts per user across two replicas: 429 RATE_LIMITED with Retry-After', async () => {
    const token = tokenFor(`spammer-${randomUUID()}`, ['viewer']);
    const [a, b] = [http(stack.chatA.url, token), http(stack.chatB.url, token)];
    const first = [await a.post(`/v1/broadcasts/${show}/messages`, line), await b.post(`/v1/broadcasts/${show}/messages`, line), await a.post(`/v1/broadcasts/${show}/messages`, line)];
    expect(first.map((r) => r.status)).not.toContain(429);
    const limited = await b.post(`/v1/broadcasts/${show}/messages`, line);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits chat posts per IP whoever signs them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await http(stack.chatA.url, tokenFor(`user-${randomUUID()}`, ['viewer'])).post(`/v1/broadcasts/${show}/messages`, line)).status);
    expect(statuses.slice(-1)).toEqual([429]);
  });

  it('limits coupon claims per user (and not hearts)', async () => {
    const api = http(stack.burst.url, tokenFor(`claimer-${randomUUID()}`, ['viewer']));
    const coupon = randomUUID();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.post(`/v1/broadcasts/${show}/coupons/${coupon}/claims`)).status);
    expect(statuses[2]).toBe(429);
    const hearts = await api.post(`/v1/broadcasts/${show}/hearts`, { taps: [1] });
    expect(hearts.status).not.toBe(429);
  });

  it('refuses bodies over 100 KiB with a 413, on Express and Fastify', async () => {
    const big = JSON.stringify({ text: 'a'.repeat(200_000) });
    const token = tokenFor('big', ['viewer']);
    for (const url of [stack.chatA.url, stack.burst.url]) {
      const res = await http(url, token).raw('POST', `/v1/broadcasts/${show}/hearts`, big);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ field: 'body' });
    }
  });

  it('sends helmet headers and CORS only to the configured origin', async () => {
    for (const url of [stack.chatA.url, stack.burst.url]) {
      const res = await fetch(`${url}/health/live`, { headers: { origin: 'https://shop.example' } });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      const other = await fetch(`${url}/health/live`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('keeps bearer tokens out of the logs', async () => {
    const token = tokenFor('logged-user', ['viewer']);
    await http(stack.chatA.url, token).post(`/v1/broadcasts/${show}/messages`, { ...line, token: 'secret-in-body' });
    await http(stack.burst.url, token).post(`/v1/broadcasts/${show}/hearts`, { taps: [1] });
    await waitFor('request logged', () => stack.chatA.output.some((l) => l.includes('/messages')));
    for (const app of [stack.chatA, stack.burst]) {
      expect(app.output.filter((l) => l.includes(token.split('.')[2]))).toEqual([]);
    }
    expect(stack.chatA.output.some((l) => l.includes('[redacted]'))).toBe(true);
  });

  it('limits socket connects per IP in Redis and closes a socket that sends an oversized message', async () => {
    const sockets = [fuzzSocket(stack.gwConnects.url), fuzzSocket(stack.gwConnects.url), fuzzSocket(stack.gwConnects.url)];
    await Promise.all(sockets.map(connected));
    const big = sockets[0];
    const closed = new Promise<void>((resolve) => big.once('disconnect', () => resolve()));
    big.emit(SocketEvents.Join, { broadcastId: 'x'.repeat(100_000) });
    await closed;
    const fourth = fuzzSocket(stack.gwConnects.url);
    const refused = await connected(fourth).then(() => undefined, (e: Error & { data?: { code?: string } }) => e);
    fourth.close();
    sockets.forEach((s) => s.close());
    expect(refused?.data?.code).toBe('RATE_LIMITED');
    expect(await stack.gwConnects.ready()).toBe(200);
  });

  it('caps open sockets per IP, rooms per socket and joins per user', async () => {
    const redis = testRedis();
    const keys = redisKeys(testEnv().redisPhase);
    const shows = [1, 2, 3].map(() => `abuse-${randomUUID()}`);
    for (const s of shows) await redis.set(keys.broadcast.status(s), 'live', 'EX', 300);
    redis.disconnect();

    const token = tokenFor(`joiner-${randomUUID()}`, ['viewer']);
    const [s1, s2] = [fuzzSocket(stack.gwSockets.url, token), fuzzSocket(stack.gwSockets.url, token)];
    await Promise.all([connected(s1), connected(s2)]);
    const third = fuzzSocket(stack.gwSockets.url, token);
    const refused = await connected(third).then(() => undefined, (e: Error & { data?: { code?: string } }) => e);
    third.close();
    expect(refused?.data?.code).toBe('RATE_LIMITED');

    const join = (s: typeof s1, id: string) => s.timeout(5_000).emitWithAck(SocketEvents.Join, { broadcastId: id });
    expect((await join(s1, shows[0])).ok).toBe(true);
    expect((await join(s1, shows[1])).ok).toBe(true);
    expect(await join(s1, shows[2])).toMatchObject({ ok: false, code: 'TOO_MANY_ROOMS' });
    // joins per user (4 in 30 s, across this user's sockets): two taken above, two more, then refused
    expect((await join(s2, shows[0])).ok).toBe(true);
    expect((await join(s2, shows[1])).ok).toBe(true);
    await s2.timeout(5_000).emitWithAck(SocketEvents.Leave, { broadcastId: shows[1] });
    expect(await join(s2, shows[2])).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    s1.close();
    s2.close();
  });
});
