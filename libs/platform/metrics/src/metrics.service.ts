import { Injectable } from '@nestjs/common';
import { opendir } from 'node:fs/promises';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Default metrics that walk every open handle or file descriptor on the event loop when
 * scraped: `readdirSync('/proc/self/fd')`, `process._getActiveHandles()`. That is O(connections)
 * per scrape, with nothing else running meanwhile. In a process holding 16,000 sockets (a
 * burst-api or ws-gateway replica in a flash sale) one scrape held the loop 36-47 ms, 31 ms of it
 * these five (#17 round 12, docs/benchmarks.md), every 15 s (the chart's ServiceMonitor). The
 * handle and resource counts are dropped (each app exports its own connection gauges); the
 * open descriptors are counted off the loop (openFds).
 */
const PER_HANDLE_METRICS = ['process_open_fds', 'nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total'];

/** Open file descriptors, read in chunks on libuv's threads: no long turn of the loop whatever their number. */
export async function openFds(): Promise<number> {
  let n = 0;
  for await (const _entry of await opendir('/proc/self/fd', { bufferSize: 1024 })) n++;
  return n - 1; // the listing's own descriptor
}

/**
 * Buckets of `nodejs_gc_duration_seconds` (prom-client's are 1 ms, 10 ms, 100 ms, 1 s, ...): a
 * scavenge of 25-100 ms is what an overloaded burst-api or ws-gateway replica shows first, and
 * every message waiting meanwhile is that much later (#17 round 16, docs/benchmarks.md).
 */
export const GC_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One registry per app, labelled with the service name. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, gcDurationBuckets: GC_DURATION_BUCKETS });
    for (const name of PER_HANDLE_METRICS) this.registry.removeSingleMetric(name);
    if (process.platform === 'linux') {
      new Gauge({
        name: 'process_open_fds',
        help: 'Number of open file descriptors.',
        registers: [this.registry],
        async collect() {
          // as prom-client's: a /proc that cannot be read leaves the gauge as it was, never fails the scrape
          try {
            this.set(await openFds());
          } catch {
            // no reading this time
          }
        },
      });
    }
    this.httpRequests = this.counter('http_requests_total', 'HTTP requests answered', ['method', 'route', 'status']);
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    return (existing as Counter<L>) ?? new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    return (existing as Histogram<L>) ?? new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** A gauge whose value is read when the registry is scraped (the first registration of a name wins). */
  gauge(name: string, help: string, read: () => number): void {
    if (this.registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
