import { closeSync, openSync } from 'node:fs';
import { MetricsService } from './metrics.service';

const openFdsIn = (text: string) => Number(/^process_open_fds\{[^}]*\} (\d+)$/m.exec(text)?.[1]);

describe('MetricsService', () => {
  it('scrapes no metric that walks every handle on the event loop', () => {
    const names = new MetricsService('spec').registry.getMetricsAsArray().map((m) => m.name);
    for (const walker of ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total']) expect(names).not.toContain(walker);
    // the cheap defaults stay
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']));
  });

  it('times scavenges in buckets that tell a 25-50 ms pause from a 50-100 ms one', async () => {
    const { registry } = new MetricsService('spec');
    const scavenges = async () => Number(/^nodejs_gc_duration_seconds_count\{[^}]*kind="minor"[^}]*\} (\d+)$/m.exec(await registry.metrics())?.[1] ?? 0);
    // short-lived garbage until a scavenge has been observed (GC entries reach observers a turn later)
    let sink: unknown[] = [];
    for (let round = 0; round < 200 && (await scavenges()) === 0; round++) {
      for (let i = 0; i < 100_000; i++) sink.push({ i });
      sink = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
    const text = await registry.metrics();
    expect(await scavenges()).toBeGreaterThan(0);
    const bounds = [...text.matchAll(/^nodejs_gc_duration_seconds_bucket\{le="([^"]+)",[^}]*kind="minor"/gm)].map((m) => m[1]);
    expect(bounds).toEqual(expect.arrayContaining(['0.025', '0.05', '0.1']));
  });

  (process.platform === 'linux' ? it : it.skip)('counts the open file descriptors, read off the event loop', async () => {
    const { registry } = new MetricsService('spec');
    const before = openFdsIn(await registry.metrics());
    const opened = Array.from({ length: 40 }, () => openSync(__filename, 'r'));
    try {
      expect(openFdsIn(await registry.metrics())).toBe(before + 40);
    } finally {
      for (const fd of opened) closeSync(fd);
    }
    expect(openFdsIn(await registry.metrics())).toBe(before);
  });
});
