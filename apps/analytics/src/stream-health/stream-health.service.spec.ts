import { randomUUID } from 'node:crypto';
import { EncoderStreamHealthV1 } from '@live/contracts';
import { StreamHealthService } from './stream-health.service';

const sample = (broadcastId: string, at: number, fps: number): EncoderStreamHealthV1 => ({
  eventId: randomUUID(),
  occurredAt: new Date(at).toISOString(),
  broadcastId,
  session: 0,
  at: new Date(at).toISOString(),
  health: { inputBitrateKbps: 2500, fps, keyframeIntervalSeconds: 1, droppedFrames: 0, speed: 1, width: 1280, height: 720 },
});

describe('stream health for stats.tick', () => {
  it('keeps the newest sample per show and forgets stale ones', () => {
    const s = new StreamHealthService();
    const now = Date.now();
    s.record([sample('b1', now - 2_000, 30), sample('b1', now - 4_000, 25), sample('b2', now - 60_000, 30)]);
    expect(s.of('b1', now)).toMatchObject({ fps: 30, session: 0, width: 1280 });
    expect(s.of('b2', now)).toBeUndefined();
    expect(s.of('nope', now)).toBeUndefined();
  });
});
