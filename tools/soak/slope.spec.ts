import { fit, judge } from './slope.mjs';

describe('soak slopes', () => {
  it('fits a straight line exactly', () => {
    const xs = [0, 1, 2, 3, 4];
    const { slope, sd } = fit(xs, xs.map((x) => 10 + 3 * x));
    expect(slope).toBeCloseTo(3, 9);
    expect(sd).toBeCloseTo(0, 9);
  });

  it('calls noise around a level flat, and a steady climb not flat', () => {
    const xs = Array.from({ length: 60 }, (_, i) => i / 2);
    const noisy = xs.map((_, i) => 100 + (i % 2 ? 4 : -4));
    expect(judge(xs, noisy).flat).toBe(true);
    const leak = xs.map((x, i) => 100 + 2 * x + (i % 2 ? 1 : -1)); // +60 over 30 min on a mean of ~130
    expect(judge(xs, leak)).toMatchObject({ flat: false, slopePerMinute: expect.closeTo(2, 1) });
  });
});
