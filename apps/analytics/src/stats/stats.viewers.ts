/**
 * Concurrent viewers from the net joins of each second (joined - left, only the seconds that
 * had any): the count at a second is the running sum up to it. `average` weighs each count by
 * how long it held, from the first second with a change to the last one (inclusive).
 */
export function viewerSeries(deltas: { start: Date; delta: number }[]): {
  current: number;
  peak: number;
  average: number;
  /** the count after each second with a change */
  points: { start: Date; concurrent: number }[];
} {
  let running = 0;
  let peak = 0;
  const points = deltas.map(({ start, delta }) => {
    running += delta;
    peak = Math.max(peak, running);
    return { start, concurrent: running };
  });
  if (points.length === 0) return { current: 0, peak: 0, average: 0, points };
  const first = points[0].start.getTime();
  const last = points[points.length - 1].start.getTime();
  let weighted = 0;
  for (let i = 0; i < points.length; i++) {
    const until = i + 1 < points.length ? points[i + 1].start.getTime() : last + 1_000;
    weighted += points[i].concurrent * ((until - points[i].start.getTime()) / 1_000);
  }
  const seconds = (last - first) / 1_000 + 1;
  return { current: running, peak, average: Number((weighted / seconds).toFixed(2)), points };
}

/** The count in force at `at` (the last change at or before it). */
export function concurrentAt(points: { start: Date; concurrent: number }[], at: number): number {
  let value = 0;
  for (const p of points) {
    if (p.start.getTime() > at) break;
    value = p.concurrent;
  }
  return value;
}

/** The highest count in force during [from, to). */
export function peakWithin(points: { start: Date; concurrent: number }[], from: number, to: number): number {
  let peak = concurrentAt(points, from);
  for (const p of points) {
    const t = p.start.getTime();
    if (t >= from && t < to) peak = Math.max(peak, p.concurrent);
  }
  return peak;
}
