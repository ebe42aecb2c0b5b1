import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MetricsService } from '@live/metrics';
import { RealtimeServer } from './realtime.server';

export const CONNECTED_SOCKETS_METRIC = 'ws_gateway_connected_sockets';

/**
 * Open socket.io connections of this process, read at scrape time: the signal the chart's
 * KEDA ScaledObject (or a Prometheus-adapter HPA) scales ws-gateway on, since idle sockets
 * cost memory and file descriptors long before they cost CPU.
 */
@Injectable()
export class ConnectionsMetric implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: MetricsService,
    private readonly realtime: RealtimeServer,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.gauge(CONNECTED_SOCKETS_METRIC, 'socket.io connections open on this process', () => this.realtime.connectedCount());
  }
}
