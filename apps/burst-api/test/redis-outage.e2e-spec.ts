import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { AppProcess, freePort, http, tokenFor, waitFor } from '@live/testing';

// A Redis that goes away under burst-api (its own server on a free port, never the shared
// one): what was a 500 is a 503 UNAVAILABLE with Retry-After, like a broker outage.
describe('burst-api when Redis is away', () => {
  let redis: ChildProcess;
  let app: AppProcess;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    app = await AppProcess.start('burst-api', { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CLUSTER_NODES: '' });
  });

  afterAll(async () => {
    await app?.stop();
    if (redis?.exitCode === null) redis.kill('SIGKILL');
  });

  it('answers heart batches, claims and votes 503 UNAVAILABLE with Retry-After, never 500', async () => {
    redis.kill('SIGKILL');
    await waitFor('redis gone', () => redis.exitCode !== null || redis.signalCode !== null);
    const api = http(app.url, tokenFor(`viewer-${randomUUID()}`, ['viewer']));
    const show = randomUUID();
    for (const [path, body] of [
      [`/v1/broadcasts/${show}/hearts`, { batchId: 'b-1', taps: [0] }],
      [`/v1/broadcasts/${show}/coupons/${randomUUID()}/claims`, {}],
      [`/v1/broadcasts/${show}/polls/${randomUUID()}/votes`, { option: 0 }],
    ] as const) {
      const res = await api.post(path, body);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 503, code: 'UNAVAILABLE' });
      expect(res.headers.get('retry-after')).toBe('1');
    }
  });
});
