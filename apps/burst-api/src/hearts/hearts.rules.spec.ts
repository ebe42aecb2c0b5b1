import { MAX_TAPS_PER_BATCH, implausibleTaps } from './hearts.rules';

const spread = (n: number, stepMs: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * stepMs);

describe('implausibleTaps', () => {
  it('accepts what a person can tap', () => {
    expect(implausibleTaps([1_000], 15)).toBeUndefined();
    expect(implausibleTaps(spread(15, 66), 15)).toBeUndefined(); // 15 within one second
    expect(implausibleTaps(spread(45, 66), 15)).toBeUndefined(); // 45 over 3 s
    expect(implausibleTaps([5, 5, 5], 15)).toBeUndefined(); // same position: a fast double tap
  });

  it('refuses too many taps in one request', () => {
    expect(implausibleTaps(spread(MAX_TAPS_PER_BATCH + 1, 200), 15)).toContain(`at most ${MAX_TAPS_PER_BATCH}`);
  });

  it('refuses positions that go backwards', () => {
    expect(implausibleTaps([500, 400], 15)).toContain('must not decrease');
  });

  it('refuses more taps per second of span than allowed', () => {
    expect(implausibleTaps(spread(16, 10), 15)).toContain('16 taps in 1 s');
    expect(implausibleTaps(spread(31, 60), 15)).toContain('per second');
  });
});
