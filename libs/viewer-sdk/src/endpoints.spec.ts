import { platformEndpoints, readDeploymentConfig } from './endpoints';

describe('platform endpoints', () => {
  it('defaults to the platform ports on the host and takes what the deployment gives', () => {
    expect(platformEndpoints('http://h', { gateway: 'https://ws.example', encoderApi: null })).toEqual({
      managementApi: 'http://h:3000',
      messageApi: 'http://h:3001',
      gateway: 'https://ws.example',
      burstApi: 'http://h:3003',
      analyticsApi: 'http://h:3004',
      encoderApi: null,
      buyUrl: '#/buy/{productId}',
    });
  });

  it('reads the deployment document, and nothing when there is none', async () => {
    const ok = (async () => ({ ok: true, json: async () => ({ buyUrl: 'x' }) })) as unknown as typeof fetch;
    const missing = (async () => ({ ok: false })) as unknown as typeof fetch;
    const down = (async () => {
      throw new Error('offline');
    }) as unknown as typeof fetch;
    expect(await readDeploymentConfig('/config.json', ok)).toEqual({ buyUrl: 'x' });
    expect(await readDeploymentConfig('/config.json', missing)).toEqual({});
    expect(await readDeploymentConfig('/config.json', down)).toEqual({});
  });
});
