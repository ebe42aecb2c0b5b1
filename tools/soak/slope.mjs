// The soak's judgement of a series: its least-squares slope, and whether it is flat.

/** least squares y = a + b x; b per unit of x, and the residuals' standard deviation */
export function fit(xs, ys) {
  const n = xs.length;
  if (n < 3) return { slope: 0, sd: 0, mean: ys[0] ?? 0 };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx ? sxy / sxx : 0;
  const sd = Math.sqrt(ys.reduce((acc, y, i) => acc + (y - (my + slope * (xs[i] - mx))) ** 2, 0) / Math.max(1, n - 2));
  return { slope, sd, mean: my };
}

export function judge(xs, ys) {
  const { slope, sd, mean } = fit(xs, ys);
  const span = xs.length ? xs[xs.length - 1] - xs[0] : 0;
  const change = slope * span;
  return { slopePerMinute: Number(slope.toPrecision(4)), changeOverSpan: Number(change.toPrecision(4)), noiseSd: Number(sd.toPrecision(4)), mean: Number(mean.toPrecision(4)), flat: Math.abs(change) <= Math.max(2 * sd, 0.05 * Math.abs(mean)) };
}
