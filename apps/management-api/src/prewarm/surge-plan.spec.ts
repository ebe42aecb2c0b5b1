import { AutoscalerTarget, PrewarmPolicy, ShowOnSchedule, parseTargets, planFloors, scheduleWindow } from './surge-plan';

const MIN = 60_000;
const now = new Date('2030-05-01T12:00:00Z');
const at = (minutesFromNow: number) => new Date(now.getTime() + minutesFromNow * MIN);

const policy: PrewarmPolicy = {
  leadMs: 20 * MIN,
  holdMs: 15 * MIN,
  maxShowMs: 240 * MIN,
  audienceThreshold: 10_000,
  viewersPerReplica: { 'burst-api': 5_000, 'ws-gateway': 3_000, 'message-api': 8_000 },
};
const targets: AutoscalerTarget[] = [
  { app: 'burst-api', name: 'live-burst-api', baseMin: 2, maxReplicas: 30 },
  { app: 'ws-gateway', name: 'live-ws-gateway', baseMin: 2, maxReplicas: 10 },
  { app: 'message-api', name: 'live-message-api', baseMin: 2, maxReplicas: 10 },
];

function show(over: Partial<ShowOnSchedule>): ShowOnSchedule {
  return { id: 's1', status: 'scheduled', scheduledAt: at(10), startedAt: null, endedAt: null, expectedAudience: 50_000, ...over };
}
const floors = (shows: ShowOnSchedule[], when = now) => Object.fromEntries(planFloors(shows, targets, policy, when).map((d) => [d.app, d.minReplicas]));

describe('surge pre-warming', () => {
  it('raises the floors of burst-api, ws-gateway and message-api within the lead time of a big show', () => {
    // 50k viewers: 10 burst-api (5k each), 17 ws-gateway capped at 10, 7 message-api
    const decisions = planFloors([show({ scheduledAt: at(10) })], targets, policy, now);
    expect(decisions.map((d) => [d.app, d.minReplicas, d.capped])).toEqual([
      ['burst-api', 10, false],
      ['ws-gateway', 10, true],
      ['message-api', 7, false],
    ]);
    expect(decisions[0].showIds).toEqual(['s1']);
    expect(decisions[0].audience).toBe(50_000);
  });

  it('leaves the base floors before the lead time, for small shows and for shows without an audience', () => {
    const base = { 'burst-api': 2, 'ws-gateway': 2, 'message-api': 2 };
    expect(floors([show({ scheduledAt: at(21) })])).toEqual(base);
    expect(floors([show({ expectedAudience: 9_999 })])).toEqual(base);
    expect(floors([show({ expectedAudience: null })])).toEqual(base);
    expect(floors([])).toEqual(base);
  });

  it('starts exactly at the lead time', () => {
    expect(floors([show({ scheduledAt: at(20) })])['burst-api']).toBe(10);
  });

  it('keeps the floor while live and for the hold time after the end, then lowers it', () => {
    expect(floors([show({ status: 'live', scheduledAt: at(-90), startedAt: at(-85) })])['burst-api']).toBe(10);
    expect(floors([show({ status: 'ended', scheduledAt: at(-90), startedAt: at(-85), endedAt: at(-15) })])['burst-api']).toBe(10);
    expect(floors([show({ status: 'ended', scheduledAt: at(-90), startedAt: at(-85), endedAt: at(-16) })])['burst-api']).toBe(2);
  });

  it('lets go of a show that was never ended after maxShow, and of a scheduled show that never started', () => {
    expect(floors([show({ status: 'live', scheduledAt: at(-300), startedAt: at(-241) })])['burst-api']).toBe(2);
    expect(floors([show({ status: 'scheduled', scheduledAt: at(-16) })])['burst-api']).toBe(2);
    expect(floors([show({ status: 'scheduled', scheduledAt: at(-15) })])['burst-api']).toBe(10);
  });

  it('adds up the audiences of big shows on at the same time', () => {
    const two = [show({ id: 'a', expectedAudience: 20_000 }), show({ id: 'b', status: 'live', startedAt: at(-5), expectedAudience: 30_000 })];
    const d = planFloors(two, targets, policy, now).find((x) => x.app === 'burst-api')!;
    expect(d.minReplicas).toBe(10);
    expect(d.showIds.sort()).toEqual(['a', 'b']);
  });

  it('never goes below the base floor nor above maxReplicas', () => {
    const d = planFloors([show({ expectedAudience: 10_000 })], [{ app: 'burst-api', name: 'x', baseMin: 4, maxReplicas: 30 }], policy, now);
    expect(d[0]).toMatchObject({ minReplicas: 4, audience: 0, showIds: [] });
    const huge = planFloors([show({ expectedAudience: 10_000_000 })], targets, policy, now);
    expect(huge.every((x, i) => x.minReplicas === targets[i].maxReplicas && x.capped)).toBe(true);
    expect(huge.find((x) => x.app === 'burst-api')).toMatchObject({ minReplicas: 30, capped: true });
  });

  it('ignores an app without a viewers-per-replica figure', () => {
    const d = planFloors([show({})], [{ app: 'analytics', name: 'live-analytics', baseMin: 2, maxReplicas: 10 }], policy, now);
    expect(d[0].minReplicas).toBe(2);
  });

  it('fetches only the starts that can matter', () => {
    const w = scheduleWindow(policy, now);
    expect(w.from).toEqual(at(-255));
    expect(w.to.getTime()).toBe(at(20).getTime() + 1);
  });

  it('parses the targets the chart passes and refuses a malformed one', () => {
    expect(parseTargets('burst-api=live-burst-api:2:30,ws-gateway=live-ws-gateway:2:10')).toEqual([
      { app: 'burst-api', name: 'live-burst-api', baseMin: 2, maxReplicas: 30 },
      { app: 'ws-gateway', name: 'live-ws-gateway', baseMin: 2, maxReplicas: 10 },
    ]);
    expect(parseTargets('')).toEqual([]);
    expect(() => parseTargets('burst-api=live-burst-api:2')).toThrow(/app=name:min:max/);
    expect(() => parseTargets('burst-api=x:5:3')).toThrow(/above max/);
  });
});
