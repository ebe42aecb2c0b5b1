/** The most taps one request may carry (a client sends one batch per 1-3 s window). */
export const MAX_TAPS_PER_BATCH = 60;

/**
 * Why a batch cannot be real, judged on the taps alone (the running time of the show is
 * checked in Redis): too many, positions going backwards, or more per second of its span
 * than a person can tap. Undefined: plausible.
 */
export function implausibleTaps(taps: readonly number[], maxPerSecond: number): string | undefined {
  if (taps.length > MAX_TAPS_PER_BATCH) return `taps: at most ${MAX_TAPS_PER_BATCH} per request (got ${taps.length})`;
  if (taps.some((t, i) => i > 0 && t < taps[i - 1])) return 'taps: video positions must not decrease';
  const spanSeconds = Math.max(1, Math.ceil((taps[taps.length - 1] - taps[0]) / 1000));
  if (taps.length > spanSeconds * maxPerSecond) return `taps: ${taps.length} taps in ${spanSeconds} s is more than ${maxPerSecond} per second`;
  return undefined;
}
