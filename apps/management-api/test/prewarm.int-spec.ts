import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { IncomingMessage, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppProcess, testEnv, workspaceRoot } from '@live/testing';
import { Fixtures } from './fixtures';

const run = promisify(execFile);
const prewarmEntry = path.join(workspaceRoot, 'dist/apps/management-api/apps/management-api/src/prewarm/prewarm.main.js');

interface Patch {
  path: string;
  contentType: string | undefined;
  body: { spec: { minReplicas: number } };
}

/**
 * A stand-in for the Kubernetes API (no real API server can run on this machine): it serves
 * the HPAs the chart creates and records the patches. Everything else is real: management-api
 * on the run's Postgres, the built pre-warmer with @kubernetes/client-node, a kubeconfig.
 */
function fakeKubeApi(minReplicas: Record<string, number>) {
  const patches: Patch[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const m = /^\/apis\/autoscaling\/v2\/namespaces\/live\/horizontalpodautoscalers\/([a-z0-9-]+)$/.exec(req.url ?? '');
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (!m || !(m[1] in minReplicas)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 404 }));
        return;
      }
      if (req.method === 'PATCH') {
        const body = JSON.parse(raw);
        patches.push({ path: req.url!, contentType: req.headers['content-type'], body });
        minReplicas[m[1]] = body.spec.minReplicas;
      }
      const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: m[1], namespace: 'live' }, spec: { minReplicas: minReplicas[m[1]], maxReplicas: 30, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: m[1] } } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hpa));
    });
  });
  return { server, patches };
}

describe('surge pre-warmer against management-api', () => {
  let app: AppProcess;
  let fx: Fixtures;
  const env = testEnv();
  const kube = fakeKubeApi({ 'live-burst-api': 2, 'live-ws-gateway': 2, 'live-message-api': 2 });
  let kubeconfig: string;

  beforeAll(async () => {
    app = await AppProcess.start('management-api');
    fx = new Fixtures(app);
    await new Promise<void>((resolve) => kube.server.listen(0, '127.0.0.1', resolve));
    const { port } = kube.server.address() as AddressInfo;
    kubeconfig = path.join(mkdtempSync(path.join(os.tmpdir(), 'prewarm-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // plain http to the stand-in: client-node allows it only with TLS verification off
        clusters: [{ name: 'stand-in', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'prewarm', user: { token: 'stand-in-token' } }],
        contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'prewarm', namespace: 'live' } }],
        'current-context': 'stand-in',
      }),
    );
  });

  afterAll(async () => {
    await new Promise((resolve) => kube.server.close(resolve));
    await app.stop();
  });

  const prewarm = () =>
    run(process.execPath, [prewarmEntry], {
      cwd: workspaceRoot,
      timeout: 60_000,
      env: {
        ...process.env,
        KUBECONFIG: kubeconfig,
        PREWARM_MANAGEMENT_URL: app.url,
        PREWARM_NAMESPACE: 'live',
        PREWARM_TARGETS: 'burst-api=live-burst-api:2:30,ws-gateway=live-ws-gateway:2:10,message-api=live-message-api:2:10',
        PREWARM_VIEWERS_PER_REPLICA: 'burst-api=5000,ws-gateway=3000,message-api=8000',
        PREWARM_LEAD_MINUTES: '20',
        PREWARM_AUDIENCE_THRESHOLD: '10000',
        AUTH_JWT_SECRET: env.jwtSecret,
      },
    });

  it('stores a show expected audience and refuses a negative one with a 400 naming the field', async () => {
    const show = await fx.show(`seller-${randomUUID()}`);
    expect(show.expectedAudience).toBeNull();
    const bad = await fx.admin.patch(`/v1/broadcasts/${show.id}`, { expectedAudience: -5 });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('expectedAudience');
    const ok = await fx.admin.patch(`/v1/broadcasts/${show.id}`, { expectedAudience: 1234 });
    expect(ok.status).toBe(200);
    expect((await fx.admin.get(`/v1/broadcasts/${show.id}`)).body.expectedAudience).toBe(1234);
  });

  it('raises the floors ahead of a big show through merge patches, and leaves them alone on the next run', async () => {
    const seller = `seller-${randomUUID()}`;
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    const big = await fx.admin.post('/v1/broadcasts', { title: 'Flash sale', sellerId: seller, scheduledAt: soon, expectedAudience: 50_000 });
    expect(big.status).toBe(201);
    expect(big.body.expectedAudience).toBe(50_000);

    await prewarm();
    const byName = Object.fromEntries(kube.patches.map((p) => [p.path.split('/').pop(), p]));
    expect(byName['live-burst-api'].body).toEqual({ spec: { minReplicas: 10 } });
    expect(byName['live-ws-gateway'].body).toEqual({ spec: { minReplicas: 10 } }); // 17 wanted, capped
    expect(byName['live-message-api'].body).toEqual({ spec: { minReplicas: 7 } });
    expect(byName['live-burst-api'].contentType).toBe('application/merge-patch+json');

    // idempotent: the floors are already where the plan wants them
    const before = kube.patches.length;
    await prewarm();
    expect(kube.patches.length).toBe(before);
  });
});
