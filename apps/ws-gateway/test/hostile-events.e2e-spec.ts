import { SocketEvents } from '@live/contracts';
import { connected, fuzzSocket, waitFor } from '@live/testing';
import { useGatewayWithLiveShow } from './live-show-stack';

// Found by the fuzz suite: one anonymous socket.io message could end ws-gateway for everyone
// on it -- an extra argument where the acknowledgement goes (the handler called it), and a
// resync seq past 2^64 that Redis refuses (an unhandled rejection). Each is now a clean ack
// or nothing, and the process serves on.
describe('ws-gateway against single hostile messages', () => {
  const { stack, show } = useGatewayWithLiveShow('hostile-seller');

  const stillServing = async () => {
    // a crash would take a moment to show: a fresh socket's join round trip proves it did not
    const probe = fuzzSocket(stack.gateway.url);
    await connected(probe);
    const ack = await probe.timeout(5_000).emitWithAck(SocketEvents.Leave, { broadcastId: show.id });
    probe.close();
    expect(ack).toEqual({ ok: true });
    expect(stack.gateway.running).toBe(true);
  };

  it('takes an extra argument where the acknowledgement goes, for every event', async () => {
    const socket = fuzzSocket(stack.gateway.url);
    await connected(socket);
    for (const event of [SocketEvents.Join, SocketEvents.Leave, SocketEvents.StatsJoin, SocketEvents.StatsLeave]) {
      socket.emit(event, { broadcastId: show.id }, 'not a function');
      socket.emit(event, 'not even an object', 42);
    }
    socket.close();
    await stillServing();
  });

  it('answers a resync seq past 2^64 with VALIDATION_FAILED', async () => {
    const socket = fuzzSocket(stack.gateway.url);
    await connected(socket);
    for (const lastSeq of ['99999999999999999999-0', '18446744073709551615-18446744073709551615', '1-99999999999999999999']) {
      const ack = await socket.timeout(5_000).emitWithAck(SocketEvents.Join, { broadcastId: show.id, lastSeq });
      expect(ack).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'lastSeq' });
    }
    socket.emit(SocketEvents.Join, { broadcastId: show.id, lastSeq: '99999999999999999999-0' });
    socket.close();
    await stillServing();
  });

  it('logged no unhandled rejection or exception', async () => {
    await waitFor('gateway ready', async () => (await stack.gateway.ready()) === 200);
    expect(stack.gateway.logs().filter((l) => /unhandled rejection|uncaught exception/.test(String(l.msg ?? l.raw)))).toEqual([]);
  });
});
