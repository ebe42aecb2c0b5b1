/**
 * The replay DAG. Steps run in this (topological) order, one at a time per job: the machine's
 * cores go to ffmpeg, not to parallel steps. `weight` is the share of the job's progress.
 */
export const REPLAY_STEPS = [
  { name: 'source', dependsOn: [], weight: 4 },
  { name: 'ladder', dependsOn: ['source'], weight: 20 },
  { name: 'encode', dependsOn: ['ladder'], weight: 55 },
  { name: 'thumbnails', dependsOn: ['source'], weight: 6 },
  { name: 'chat', dependsOn: ['source'], weight: 2 },
  { name: 'chapters', dependsOn: ['source'], weight: 1 },
  { name: 'package', dependsOn: ['encode', 'thumbnails', 'chat', 'chapters'], weight: 10 },
  { name: 'publish', dependsOn: ['package'], weight: 2 },
] as const;

export type ReplayStepName = (typeof REPLAY_STEPS)[number]['name'];

/** The job's progress from its steps' states and progress. */
export function jobProgress(steps: { name: string; state: string; progress: number }[]): number {
  const total = REPLAY_STEPS.reduce((a, s) => a + s.weight, 0);
  let done = 0;
  for (const s of REPLAY_STEPS) {
    const row = steps.find((x) => x.name === s.name);
    if (!row) continue;
    done += row.state === 'succeeded' ? s.weight : (s.weight * Math.min(100, row.progress)) / 100;
  }
  return Math.round((done / total) * 1000) / 10;
}
