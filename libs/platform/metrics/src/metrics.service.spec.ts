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
