import { MetricsService } from '@live/metrics';
import { CONNECTED_SOCKETS_METRIC, ConnectionsMetric } from './connections.metric';
import { RealtimeServer } from './realtime.server';

describe('ConnectionsMetric', () => {
  it('reports the open sockets at scrape time', async () => {
    const metrics = new MetricsService('ws-gateway');
    let open = 3;
    new ConnectionsMetric(metrics, { connectedCount: () => open } as unknown as RealtimeServer).onApplicationBootstrap();
    expect(await metrics.registry.metrics()).toContain(`${CONNECTED_SOCKETS_METRIC}{service="ws-gateway"} 3`);
    open = 0;
    expect(await metrics.registry.metrics()).toContain(`${CONNECTED_SOCKETS_METRIC}{service="ws-gateway"} 0`);
  });
});
