import { spawn } from 'node:child_process';
import { backoffMs, supervise } from './supervise.mjs';

describe('backoffMs', () => {
  it('doubles from the first wait up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, { firstMs: 1000, maxMs: 30_000 }))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

describe('supervise (what npm run dev does when an app dies)', () => {
  it('restarts an app that crashes, with a growing wait, says so, and stops for good on stop()', async () => {
    const said: string[] = [];
    let starts = 0;
    const exits: boolean[] = [];
    // crashes twice, then stays up until stopped
    const start = () => {
      starts += 1;
      return spawn(process.execPath, ['-e', starts <= 2 ? 'process.exit(3)' : 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    };
    const sup = supervise({ name: 'fake-app', start, say: (m: string) => said.push(m), onExit: ({ restarting }: { restarting: boolean }) => exits.push(restarting), firstMs: 50, maxMs: 1000 });
    const deadline = Date.now() + 10_000;
    while ((starts < 3 || !sup.current()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(starts).toBe(3);
    expect(said.filter((m) => m.includes('exited unexpectedly'))).toEqual([
      'fake-app exited unexpectedly (code 3); restarting in 0.1 s (restart 1)',
      'fake-app exited unexpectedly (code 3); restarting in 0.1 s (restart 2)',
    ]);
    const child = sup.current();
    const gone = new Promise((r) => child.once('exit', r));
    sup.stop('SIGTERM');
    await gone;
    await new Promise((r) => setTimeout(r, 200));
    expect(starts).toBe(3);
    expect(exits).toEqual([true, true, false]);
  });
});
