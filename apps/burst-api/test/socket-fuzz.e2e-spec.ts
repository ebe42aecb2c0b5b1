import fc from 'fast-check';
import { BurstSocketEvents } from '@live/contracts';
import { describeSocketFindings, fuzzSettings, fuzzSocketEvents, handshakeCodes, hostileTokens, socketCases, tokenFor, waitFor } from '@live/testing';
import { BurstStack } from './burst-stack';

// burst-api's own socket (heart batches, votes, claims), fuzzed like ws-gateway's: every event
// with hostile payloads, extra arguments, with and without an acknowledgement. Each must be
// answered { ok } or { ok: false, code } (or not at all without an ack), and the process must
// keep serving. Hostile tokens never get a socket.
const CLIENT_EVENTS = [BurstSocketEvents.HeartsBatch, BurstSocketEvents.PollVote, BurstSocketEvents.CouponClaim, 'no.such.event'];

describe('burst-api socket fuzz', () => {
  const stack = new BurstStack();
  let showId = '';
  beforeAll(async () => {
    await stack.start();
    showId = (await stack.seller.post('/v1/broadcasts', { title: 'Fuzzed taps', scheduledAt: new Date().toISOString() })).body.id;
    await stack.seller.post(`/v1/broadcasts/${showId}/start`);
  });
  afterAll(() => stack.stop());

  const expectAlive = async () => {
    expect(stack.burst.running).toBe(true);
    expect(await stack.burst.ready()).toBe(200);
    const crashes = stack.burst.logs().filter((l) => /unhandled rejection|uncaught exception/.test(String(l.msg ?? l.raw)));
    expect(crashes.map((l) => String(l.msg ?? l.raw).slice(0, 300))).toEqual([]);
  };

  it('answers every hostile event from a signed-in viewer with { ok } or { ok: false, code }', async () => {
    const { seed, runs } = fuzzSettings();
    // payloads shaped like the real ones now and then, so the handlers get past their checks
    const valid = fc.record(
      {
        broadcastId: fc.constantFrom(showId, 'no-such-show'),
        batchId: fc.string({ maxLength: 80 }),
        taps: fc.array(fc.oneof(fc.nat(), fc.double(), fc.string()), { maxLength: 80 }),
        pollId: fc.constantFrom('no-such-poll', ''),
        couponId: fc.constantFrom('no-such-coupon', ''),
        option: fc.oneof(fc.nat(10), fc.string()),
      },
      { requiredKeys: ['broadcastId'] },
    );
    let total = 0;
    for (const [n, event] of CLIENT_EVENTS.entries()) {
      const cases = socketCases(event, { seed: seed + n, runs: runs * 2, valid });
      const result = await fuzzSocketEvents(stack.burst.url, event === 'no.such.event' ? cases.map((c) => ({ ...c, ack: false })) : cases, tokenFor(`fuzz-viewer-${n}`, ['viewer']));
      total += result.cases;
      expect(describeSocketFindings(result.findings)).toBe('');
    }
    console.log(`burst-api socket fuzz: ${total} events`);
    await expectAlive();
  });

  it('refuses an anonymous socket and every forged, expired or malformed token with UNAUTHORIZED', async () => {
    const tokens = [{ name: 'no token', token: undefined }, ...hostileTokens()];
    expect(await handshakeCodes(stack.burst.url, tokens)).toEqual(tokens.map(({ name }) => ({ name, code: 'UNAUTHORIZED' })));
  });

  it('serves readiness to the end (the process never went down)', async () => {
    await waitFor('burst-api ready', async () => (await stack.burst.ready()) === 200);
    await expectAlive();
  });
});
