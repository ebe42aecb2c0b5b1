/** The rungs the replay may have, and the bitrates tried for each (kbit/s, ascending). */
export const RUNG_CANDIDATES: { height: number; kbps: number[] }[] = [
  { height: 360, kbps: [250, 400, 600, 900, 1300] },
  { height: 480, kbps: [400, 650, 1000, 1500, 2100] },
  { height: 720, kbps: [900, 1400, 2100, 3000, 4200] },
  { height: 1080, kbps: [1800, 2800, 4200, 6000, 8000] },
];

export interface RungPlan {
  name: string;
  width: number;
  height: number;
  candidates: number[];
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * 360p/480p/720p/1080p capped at the source: no rung above the source height; a source
 * smaller than 360p gets one rung at its own size (with the 360p candidates).
 */
export function plannedRungs(sourceWidth: number, sourceHeight: number): RungPlan[] {
  const aspect = sourceWidth / sourceHeight;
  const fit = RUNG_CANDIDATES.filter((r) => r.height <= sourceHeight);
  const chosen = fit.length ? fit : [{ height: even(sourceHeight), kbps: RUNG_CANDIDATES[0].kbps }];
  return chosen.map((r) => ({ name: `${r.height}p`, width: even(r.height * aspect), height: r.height, candidates: r.kbps }));
}

/**
 * The lowest candidate whose score reaches the target, by binary search (quality rises with
 * bitrate). If none does, the highest candidate, flagged belowTarget.
 */
export async function lowestReaching(
  candidates: number[],
  target: number,
  score: (kbps: number) => Promise<number>,
): Promise<{ kbps: number; score: number; belowTarget: boolean; probes: { kbps: number; score: number }[] }> {
  const probes: { kbps: number; score: number }[] = [];
  const scored = new Map<number, number>();
  const at = async (i: number) => {
    const kbps = candidates[i];
    if (!scored.has(kbps)) {
      const s = await score(kbps);
      scored.set(kbps, s);
      probes.push({ kbps, score: s });
    }
    return scored.get(kbps)!;
  };
  let lo = 0;
  let hi = candidates.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((await at(mid)) >= target) {
      best = mid;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (best < 0) {
    const top = candidates.length - 1;
    return { kbps: candidates[top], score: await at(top), belowTarget: true, probes };
  }
  return { kbps: candidates[best], score: scored.get(candidates[best])!, belowTarget: false, probes };
}

/**
 * Fallback when no VMAF-capable ffmpeg is available: SSIM (0..1, ffmpeg's ssim filter) put on
 * VMAF's 0..100 scale. Piecewise-linear through points where x264 encodes of natural content
 * land on both scales (SSIM 0.90 ~ VMAF 60, 0.95 ~ 80, 0.97 ~ 90, 0.98 ~ 94, 0.99 ~ 98): a
 * coarse proxy, documented as such in the app README -- the job records which metric it used.
 */
const SSIM_TO_VMAF: [number, number][] = [
  [0.8, 20],
  [0.9, 60],
  [0.95, 80],
  [0.97, 90],
  [0.98, 94],
  [0.99, 98],
  [1, 100],
];

export function vmafLikeFromSsim(ssim: number): number {
  if (ssim <= SSIM_TO_VMAF[0][0]) return Math.max(0, (ssim / SSIM_TO_VMAF[0][0]) * SSIM_TO_VMAF[0][1]);
  for (let i = 1; i < SSIM_TO_VMAF.length; i++) {
    const [x1, y1] = SSIM_TO_VMAF[i];
    const [x0, y0] = SSIM_TO_VMAF[i - 1];
    if (ssim <= x1) return y0 + ((ssim - x0) / (x1 - x0)) * (y1 - y0);
  }
  return 100;
}
