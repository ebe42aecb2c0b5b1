import { Topics } from '@live/contracts';
import { InputEvent, fold, keysOf } from './aggregation.plan';

const at = Date.parse('2026-11-22T10:00:59.500Z');
const base = { occurredAt: new Date(at).toISOString(), broadcastId: 's1' };
const hearts = (eventId: string, taps: number[], timestamp = at + 100): InputEvent => ({
  topic: Topics.HeartsTapped,
  value: { ...base, eventId, userId: 'u1', batchId: 'b', taps, totalAfter: 0 },
  timestamp,
});

describe('fold', () => {
  it('counts an event once per key, in its 1 s and 1 min windows, with its taps on the heatmap', () => {
    const events = [hearts('e1', [0, 900, 1_500]), hearts('e1', [0, 900, 1_500])];
    const inc = fold(events, events.map(keysOf), new Set(events.flatMap(keysOf)), 60_000);
    expect(inc.seconds).toEqual([expect.objectContaining({ start: new Date('2026-11-22T10:00:59.000Z'), events: 1, hearts: 3 })]);
    expect(inc.minutes).toEqual([expect.objectContaining({ start: new Date('2026-11-22T10:00:00.000Z'), events: 1, hearts: 3 })]);
    expect(inc.heatmap).toEqual([
      { broadcastId: 's1', videoSecond: 0, hearts: 2 },
      { broadcastId: 's1', videoSecond: 1, hearts: 1 },
    ]);
    expect(inc.viewers).toEqual([{ broadcastId: 's1', userId: 'u1', chats: 0, hearts: 3, couponClaims: 0 }]);
  });

  it('adds nothing for keys counted before, and drops what entered the log too late', () => {
    const once = (e: InputEvent, fresh: string[]) => fold([e], [keysOf(e)], new Set(fresh), 60_000);
    expect(once(hearts('e1', [1]), []).seconds).toEqual([]);
    const late = once(hearts('e2', [1], at + 60_001), ['event:e2']);
    expect(late.seconds).toEqual([]);
    expect(late.shows).toEqual([{ broadcastId: 's1', lateDropped: 1, lastEventAt: new Date(at) }]);
    expect(once(hearts('e3', [1], at + 60_000), ['event:e3']).seconds[0].hearts).toBe(1);
  });

  it('keys a sampled window per line, so a replay with other decisions counts only new lines', () => {
    const m = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const replay: InputEvent = { topic: Topics.ChatSampled, value: { ...base, eventId: 'x', shown: [m[0]], suppressed: [m[1]] }, timestamp: at };
    expect(keysOf(replay)).toEqual(m.map((id) => `sampled:${id}`));
    const inc = fold([replay], [keysOf(replay)], new Set([`sampled:${m[1]}`]), 60_000);
    expect(inc.seconds[0]).toMatchObject({ events: 1, chatsShown: 0, chatsSuppressed: 1 });
  });
});
