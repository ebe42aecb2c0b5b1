import { RedisService } from '@live/redis';
import { testEnv, waitFor } from '@live/testing';
import { SrtPorts } from '../src/ingest/srt-ports';

// The SRT port of each show, shared by the encoder replicas through the real Redis: every
// replica must open a show's listener on the same port, whatever order and moment it sees the
// shows in, or a UDP load balancer would send a caller to a replica with nothing on that port.
describe('SrtPorts', () => {
  const env = testEnv();
  // a phase of this file's own: the port map is one key for the whole phase
  const phase = `${env.redisPhase}-srtports`;
  const replica = (name: string) => new RedisService({ url: env.redisUrl, phase, connectionName: `srt-ports-${name}`, clusterNodes: env.redisClusterNodes });
  const [a, b] = [replica('a'), replica('b')];
  const range = { from: 20_000, to: 20_002 };
  const portsA = new SrtPorts(a, range, 60_000);
  const portsB = new SrtPorts(b, range, 60_000);

  beforeAll(() => waitFor('redis', () => a.ping().then(() => true)));
  beforeEach(() => a.client.del(a.keys.streamKey.srtPorts()));
  afterAll(async () => {
    await a.client.del(a.keys.streamKey.srtPorts());
    await Promise.all([a, b].map((r) => r.onApplicationShutdown()));
  });

  it('gives a show the same port on every replica, whatever order each lists the shows in', async () => {
    const first = await portsA.assign(['x', 'y']);
    expect([...first]).toEqual([['x', 20_000], ['y', 20_001]]);
    expect(await portsB.assign(['y', 'x'])).toEqual(first);
    // a replica that has not seen x and y yet (a reconcile behind) moves neither
    expect([...(await portsB.assign(['z']))]).toEqual([['z', 20_002]]);
    expect(await portsA.assign(['x', 'y'])).toEqual(first);
  });

  it('answers no port for a show past the range, and gives it one when a port frees', async () => {
    const quick = new SrtPorts(a, range, 200);
    await quick.assign(['x', 'y', 'z']);
    expect((await quick.assign(['x', 'y', 'z', 'w'])).has('w')).toBe(false);
    // x ends: nobody wants it; after the grace its port goes to w, and y and z keep theirs
    const next = await waitFor('x to give up its port', async () => {
      const ports = await quick.assign(['y', 'z', 'w']);
      return ports.has('w') ? ports : null;
    }, { timeoutMs: 5_000, everyMs: 100 });
    expect([...next]).toEqual([['y', 20_001], ['z', 20_002], ['w', 20_000]]);
  });

  it('keeps an ended show its port through the grace, so a late replica cannot move it', async () => {
    await portsA.assign(['x', 'y']);
    // x ended for A (only y wanted) but B still lists it: x is not given away in between
    const late = await portsA.assign(['y', 'w']);
    expect(late.get('w')).toBe(20_002);
    expect((await portsB.assign(['x', 'y'])).get('x')).toBe(20_000);
  });

  it('moves a show whose port is outside a changed range', async () => {
    await portsA.assign(['x']);
    const moved = new SrtPorts(a, { from: 20_010, to: 20_011 }, 60_000);
    expect([...(await moved.assign(['x']))]).toEqual([['x', 20_010]]);
  });
});
