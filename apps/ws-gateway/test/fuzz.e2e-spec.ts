import fc from 'fast-check';
import { SocketEvents } from '@live/contracts';
import { connected, describeSocketFindings, fuzzSettings, fuzzSocket, fuzzSocketEvents, handshakeCodes, hostileTokens, socketCases, tokenFor, waitFor } from '@live/testing';
import { useGatewayWithLiveShow } from './live-show-stack';

// Every event a client may send ws-gateway, fuzzed (fast-check, seeded, bounded): non-objects,
// huge, deep, binary, wrong types, extra arguments, with and without an acknowledgement, as
// an anonymous viewer and as signed-in users. The gateway must answer each with { ok } or
// { ok: false, code } and never crash; its HTTP side (readiness, OpenAPI) is fuzzed too.
const CLIENT_EVENTS = [SocketEvents.Join, SocketEvents.Leave, SocketEvents.StatsJoin, SocketEvents.StatsLeave, 'no.such.event'];

describe('ws-gateway fuzz', () => {
  const { stack, show } = useGatewayWithLiveShow('fuzz-seller');

  const expectAlive = async () => {
    expect(stack.gateway.running).toBe(true);
    expect(await stack.gateway.ready()).toBe(200);
    const crashes = stack.gateway.logs().filter((l) => /unhandled rejection|uncaught exception/.test(String(l.msg ?? l.raw)));
    expect(crashes.map((l) => String(l.msg ?? l.raw).slice(0, 300))).toEqual([]);
  };

  it.each([
    ['an anonymous viewer', undefined],
    ['a signed-in viewer', tokenFor('fuzz-viewer', ['viewer'])],
    ['a seller', tokenFor('fuzz-seller', ['seller'])],
  ])('answers every hostile event from %s with { ok } or { ok: false, code }', async (_who, token) => {
    const { seed, runs } = fuzzSettings();
    // valid-looking payloads, so the handlers get past their schema now and then
    const valid = fc.record({ broadcastId: fc.constantFrom(show.id, 'no-such-show'), lastSeq: fc.constantFrom('0-0', '1-1', '99999999999999999999-0', '18446744073709551615-18446744073709551615') }, { requiredKeys: ['broadcastId'] });
    let total = 0;
    for (const [n, event] of CLIENT_EVENTS.entries()) {
      const cases = socketCases(event, { seed: seed + n, runs: runs * 2, valid });
      const result = await fuzzSocketEvents(stack.gateway.url, event === 'no.such.event' ? cases.map((c) => ({ ...c, ack: false })) : cases, token);
      total += result.cases;
      expect(describeSocketFindings(result.findings)).toBe('');
    }
    console.log(`ws-gateway socket fuzz (${_who}): ${total} events`);
    await expectAlive();
  });

  it('refuses hostile handshakes with a connect_error, not a crash', async () => {
    const auths: unknown[] = [{ token: 'x' }, { token: 42 }, { token: { a: 1 } }, { token: 'a'.repeat(50_000) }, { token: ['a', 'b'] }, { token: '' }, { token: null }];
    for (const auth of auths) {
      const socket = fuzzSocket(stack.gateway.url);
      (socket as unknown as { auth: unknown }).auth = auth;
      // a handshake over the message size limit is simply closed: no connect, no connect_error
      await Promise.race([connected(socket).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      socket.close();
    }
    await expectAlive();
  });

  it('refuses every forged, expired or malformed token at the handshake with UNAUTHORIZED', async () => {
    const tokens = hostileTokens();
    expect(await handshakeCodes(stack.gateway.url, tokens)).toEqual(tokens.map(({ name }) => ({ name, code: 'UNAUTHORIZED' })));
  });

  it('serves readiness to the end (the process never went down)', async () => {
    await waitFor('gateway ready', async () => (await stack.gateway.ready()) === 200);
    await expectAlive();
  });
});
