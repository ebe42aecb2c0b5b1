/**
 * Surge pre-warming, the decision only (no I/O, time injected): from the show schedule, the
 * floor (minReplicas) each autoscaled app should have now. A big show (expected audience at
 * or above the threshold) raises the floors of the apps a crowd hits first -- burst-api,
 * ws-gateway, message-api -- `leadMs` before it is scheduled, keeps them while it is live and
 * `holdMs` after it ends, then lets them fall back to the chart's base. Autoscalers still
 * scale above the floor; the floor only saves the minutes a cold scale-up costs (seed 001:
 * 20-30x in one minute).
 */

export interface ShowOnSchedule {
  id: string;
  status: 'scheduled' | 'live' | 'ended';
  scheduledAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  expectedAudience: number | null;
}

export interface PrewarmPolicy {
  /** raise this long before a scheduled start */
  leadMs: number;
  /** keep the floor this long after the end (viewers linger, replays start) */
  holdMs: number;
  /** a live show older than this no longer holds the floor (it was never ended) */
  maxShowMs: number;
  /** expected viewers from which a show is big */
  audienceThreshold: number;
  /** viewers one replica of an app carries */
  viewersPerReplica: Record<string, number>;
}

export interface AutoscalerTarget {
  app: string;
  /** the HPA or ScaledObject to patch */
  name: string;
  /** the chart's minReplicas: the floor with no big show around */
  baseMin: number;
  maxReplicas: number;
}

export interface FloorDecision {
  app: string;
  name: string;
  minReplicas: number;
  /** the audience the floor was sized for (0: base) */
  audience: number;
  /** the shows that hold it */
  showIds: string[];
  /** the floor wanted more than maxReplicas */
  capped: boolean;
}

/** Whether a show holds the floor at `now`, and why not when it does not. */
export function isInWindow(show: ShowOnSchedule, policy: PrewarmPolicy, now: Date): boolean {
  const t = now.getTime();
  switch (show.status) {
    case 'scheduled': {
      // from `lead` before the start until `hold` after it: a late start keeps the floor a while
      const start = show.scheduledAt.getTime();
      return t >= start - policy.leadMs && t <= start + policy.holdMs;
    }
    case 'live': {
      const started = (show.startedAt ?? show.scheduledAt).getTime();
      return t - started <= policy.maxShowMs;
    }
    case 'ended':
      return show.endedAt !== null && t <= show.endedAt.getTime() + policy.holdMs;
  }
}

export const isBig = (show: ShowOnSchedule, policy: PrewarmPolicy): boolean => (show.expectedAudience ?? 0) >= policy.audienceThreshold;

/**
 * The floor of every target at `now`. Shows on at the same time add up (two big shows need
 * the capacity of both); the floor never goes below the base nor above maxReplicas.
 */
export function planFloors(shows: ShowOnSchedule[], targets: AutoscalerTarget[], policy: PrewarmPolicy, now: Date): FloorDecision[] {
  const holding = shows.filter((s) => isBig(s, policy) && isInWindow(s, policy, now));
  const audience = holding.reduce((sum, s) => sum + (s.expectedAudience ?? 0), 0);
  return targets.map((target) => {
    const perReplica = policy.viewersPerReplica[target.app];
    const wanted = audience > 0 && perReplica > 0 ? Math.ceil(audience / perReplica) : 0;
    const floor = Math.max(target.baseMin, wanted);
    return {
      app: target.app,
      name: target.name,
      minReplicas: Math.min(floor, target.maxReplicas),
      audience: wanted > target.baseMin ? audience : 0,
      showIds: wanted > target.baseMin ? holding.map((s) => s.id) : [],
      capped: floor > target.maxReplicas,
    };
  });
}

/** The span of scheduled starts worth fetching at `now` (anything else cannot hold a floor). */
export function scheduleWindow(policy: PrewarmPolicy, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - policy.maxShowMs - policy.holdMs), to: new Date(now.getTime() + policy.leadMs + 1) };
}

/** `a=1,b=2` (PREWARM_VIEWERS_PER_REPLICA) and `app=name:min:max,...` (PREWARM_TARGETS). */
export function parseTargets(value: string): AutoscalerTarget[] {
  if (!value.trim()) return [];
  return value.split(',').map((entry) => {
    const m = /^([a-z0-9-]+)=([a-z0-9.-]+):(\d+):(\d+)$/.exec(entry.trim());
    if (!m) throw new Error(`PREWARM_TARGETS: "${entry}" is not app=name:min:max`);
    const [baseMin, maxReplicas] = [Number(m[3]), Number(m[4])];
    if (baseMin > maxReplicas) throw new Error(`PREWARM_TARGETS: ${m[1]} has min ${baseMin} above max ${maxReplicas}`);
    return { app: m[1], name: m[2], baseMin, maxReplicas };
  });
}
