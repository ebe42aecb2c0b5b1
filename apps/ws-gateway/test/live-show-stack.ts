import { AppProcess, http, tokenFor, useStack } from '@live/testing';

/**
 * One ws-gateway and a management-api with a live show on it, for the tests that throw hostile
 * messages at the gateway: `stack.gateway`, `stack.management`, and `show.id` once started.
 */
export function useGatewayWithLiveShow(seller: string): { stack: { gateway: AppProcess; management: AppProcess }; show: { id: string } } {
  const { stack } = useStack({
    gateway: undefined as unknown as AppProcess,
    management: undefined as unknown as AppProcess,
    async start() {
      [this.gateway, this.management] = await Promise.all([AppProcess.start('ws-gateway'), AppProcess.start('management-api')]);
    },
    async stop() {
      await Promise.all([this.gateway?.stop(), this.management?.stop()]);
    },
  });
  const show = { id: '' };
  beforeAll(async () => {
    const api = http(stack.management.url, tokenFor(seller, ['seller']));
    show.id = (await api.post('/v1/broadcasts', { title: `Show of ${seller}`, scheduledAt: new Date().toISOString() })).body.id;
    await api.post(`/v1/broadcasts/${show.id}/start`);
  });
  return { stack, show };
}
