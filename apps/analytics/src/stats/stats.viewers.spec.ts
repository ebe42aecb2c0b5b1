import { concurrentAt, peakWithin, viewerSeries } from './stats.viewers';

const s = (sec: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, sec));

describe('viewerSeries', () => {
  it('runs the net joins into concurrency, its peak and its time-weighted average', () => {
    // 2 viewers for 2 s, 3 for 1 s, 1 for 1 s (the last change counts for its own second)
    const r = viewerSeries([
      { start: s(0), delta: 2 },
      { start: s(2), delta: 1 },
      { start: s(3), delta: -2 },
    ]);
    expect(r).toMatchObject({ current: 1, peak: 3, average: 2 });
    expect(concurrentAt(r.points, s(2).getTime() + 999)).toBe(3);
    expect(concurrentAt(r.points, s(1).getTime())).toBe(2);
    expect(peakWithin(r.points, s(0).getTime(), s(2).getTime())).toBe(2);
    expect(peakWithin(r.points, s(1).getTime(), s(4).getTime())).toBe(3);
  });

  it('is all zero without presence', () => {
    expect(viewerSeries([])).toEqual({ current: 0, peak: 0, average: 0, points: [] });
  });
});
