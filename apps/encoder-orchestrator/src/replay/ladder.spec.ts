import { lowestReaching, plannedRungs, vmafLikeFromSsim } from './ladder';

describe('ladder', () => {
  it('plans rungs capped at the source', () => {
    expect(plannedRungs(1920, 1080).map((r) => `${r.width}x${r.height}`)).toEqual(['640x360', '854x480', '1280x720', '1920x1080']);
    expect(plannedRungs(854, 480).map((r) => r.name)).toEqual(['360p', '480p']);
    expect(plannedRungs(320, 180).map((r) => `${r.width}x${r.height}`)).toEqual(['320x180']);
  });

  it('finds the lowest bitrate reaching the target with few probes', async () => {
    const quality: Record<number, number> = { 100: 70, 200: 85, 300: 92, 400: 94, 500: 97 };
    const probed: number[] = [];
    const r = await lowestReaching([100, 200, 300, 400, 500], 93, async (k) => (probed.push(k), quality[k]));
    expect(r).toMatchObject({ kbps: 400, score: 94, belowTarget: false });
    expect(probed.length).toBeLessThanOrEqual(3);
  });

  it('takes the highest candidate, flagged, when none reaches the target', async () => {
    const r = await lowestReaching([100, 200], 93, async (k) => k / 10);
    expect(r).toMatchObject({ kbps: 200, score: 20, belowTarget: true });
  });

  it('maps SSIM onto the VMAF scale monotonically', () => {
    expect(vmafLikeFromSsim(0.97)).toBeCloseTo(90);
    expect(vmafLikeFromSsim(0.985)).toBeCloseTo(96);
    expect(vmafLikeFromSsim(0.5)).toBeLessThan(vmafLikeFromSsim(0.9));
  });
});
