/**
 * The surge pre-warmer's entry, run by the chart's CronJob every few minutes:
 *   node dist/apps/management-api/apps/management-api/src/prewarm/prewarm.main.js
 * Reads the schedule over management-api's REST API (an operator token signed with the
 * release's AUTH_JWT_SECRET: the pre-warmer needs no database access of its own), decides the
 * floors (surge-plan.ts) and patches minReplicas of the HPAs -- or of the KEDA ScaledObjects,
 * which own their HPAs when KEDA is on -- through the Kubernetes API. Idempotent: a run only
 * patches what differs, so a missed or doubled run does no harm.
 */
import * as k8s from '@kubernetes/client-node';
import { signAccessToken } from '@live/auth';
import { parseEnv } from '@live/config';
import { z } from 'zod';
import { AutoscalerTarget, FloorDecision, PrewarmPolicy, ShowOnSchedule, parseTargets, planFloors, scheduleWindow } from './surge-plan';

const MIN = 60_000;
const Env = z.object({
  PREWARM_MANAGEMENT_URL: z.url(),
  PREWARM_NAMESPACE: z.string().min(1),
  PREWARM_TARGETS: z.string(),
  PREWARM_VIEWERS_PER_REPLICA: z.string().regex(/^([a-z0-9-]+=\d+(,[a-z0-9-]+=\d+)*)?$/),
  PREWARM_LEAD_MINUTES: z.coerce.number().int().positive().default(20),
  PREWARM_HOLD_MINUTES: z.coerce.number().int().min(0).default(15),
  PREWARM_MAX_SHOW_MINUTES: z.coerce.number().int().positive().default(240),
  PREWARM_AUDIENCE_THRESHOLD: z.coerce.number().int().positive().default(10_000),
  PREWARM_USE_KEDA: z.stringbool().default(false),
  PREWARM_DRY_RUN: z.stringbool().default(false),
  AUTH_JWT_SECRET: z.string().min(16),
});
type Env = z.infer<typeof Env>;

const BroadcastPage = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['scheduled', 'live', 'ended']),
      scheduledAt: z.coerce.date(),
      startedAt: z.coerce.date().nullable(),
      endedAt: z.coerce.date().nullable(),
      expectedAudience: z.number().nullable().optional(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const log = (msg: string, fields: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'prewarm', msg, ...fields })}\n`);

async function fetchShows(env: Env, policy: PrewarmPolicy, now: Date): Promise<ShowOnSchedule[]> {
  const token = signAccessToken({ sub: 'system:prewarm', name: 'surge pre-warmer', roles: ['operator'] }, env.AUTH_JWT_SECRET, '5m');
  const { from, to } = scheduleWindow(policy, now);
  const shows: ShowOnSchedule[] = [];
  for (const status of ['scheduled', 'live', 'ended'] as const) {
    let cursor: string | null = null;
    do {
      const url = new URL('/v1/broadcasts', env.PREWARM_MANAGEMENT_URL);
      url.search = new URLSearchParams({ status, from: from.toISOString(), to: to.toISOString(), limit: '100', ...(cursor ? { cursor } : {}) }).toString();
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`GET ${url.pathname}?status=${status}: ${res.status} ${await res.text()}`);
      const page = BroadcastPage.parse(await res.json());
      shows.push(...page.items.map((b) => ({ ...b, expectedAudience: b.expectedAudience ?? null })));
      cursor = page.nextCursor;
    } while (cursor);
  }
  return shows;
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

async function apply(env: Env, decisions: FloorDecision[]): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault(); // in the pod: the CronJob's ServiceAccount token
  const namespace = env.PREWARM_NAMESPACE;
  const hpas = kc.makeApiClient(k8s.AutoscalingV2Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const scaledObject = { group: 'keda.sh', version: 'v1alpha1', namespace, plural: 'scaledobjects' };
  for (const d of decisions) {
    // an app scaled by KEDA has a ScaledObject of the same name; else a plain HPA
    let keda = false;
    let current: number | undefined;
    if (env.PREWARM_USE_KEDA) {
      try {
        const so = await custom.getNamespacedCustomObject({ ...scaledObject, name: d.name });
        keda = true;
        current = (so as { spec?: { minReplicaCount?: number } }).spec?.minReplicaCount;
      } catch {
        keda = false;
      }
    }
    if (!keda) current = (await hpas.readNamespacedHorizontalPodAutoscaler({ name: d.name, namespace })).spec?.minReplicas;
    const fields = { app: d.app, target: `${keda ? 'ScaledObject' : 'HPA'}/${d.name}`, from: current, to: d.minReplicas, audience: d.audience, shows: d.showIds, capped: d.capped };
    if (current === d.minReplicas) {
      log('floor unchanged', fields);
      continue;
    }
    if (env.PREWARM_DRY_RUN) {
      log('would patch (dry run)', fields);
      continue;
    }
    if (keda) await custom.patchNamespacedCustomObject({ ...scaledObject, name: d.name, body: { spec: { minReplicaCount: d.minReplicas } } }, mergePatch);
    else await hpas.patchNamespacedHorizontalPodAutoscaler({ name: d.name, namespace, body: { spec: { minReplicas: d.minReplicas } } }, mergePatch);
    log('floor patched', fields);
  }
}

async function main(): Promise<void> {
  const env = parseEnv(Env); // one line naming each bad variable
  const policy: PrewarmPolicy = {
    leadMs: env.PREWARM_LEAD_MINUTES * MIN,
    holdMs: env.PREWARM_HOLD_MINUTES * MIN,
    maxShowMs: env.PREWARM_MAX_SHOW_MINUTES * MIN,
    audienceThreshold: env.PREWARM_AUDIENCE_THRESHOLD,
    viewersPerReplica: Object.fromEntries(
      env.PREWARM_VIEWERS_PER_REPLICA.split(',')
        .filter(Boolean)
        .map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]),
    ),
  };
  const targets: AutoscalerTarget[] = parseTargets(env.PREWARM_TARGETS);
  const now = new Date();
  const shows = await fetchShows(env, policy, now);
  const decisions = planFloors(shows, targets, policy, now);
  log('plan', { shows: shows.length, decisions });
  await apply(env, decisions);
}

main().catch((err) => {
  log('prewarm failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
