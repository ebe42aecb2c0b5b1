/**
 * Where the platform's services are. A deployment says so in a small JSON document (the web
 * apps' static server writes `/config.json` from its environment, see tools/web/serve.mjs),
 * so one build serves every deployment; what it leaves out defaults to `host` on the
 * platform's default ports (a local `npm run dev`).
 */
export interface PlatformEndpoints {
  managementApi: string;
  messageApi: string;
  gateway: string;
  burstApi: string;
  analyticsApi: string;
  /** encoder-orchestrator: the HLS origin (/live, /vod) and the replay API; null: no video here */
  encoderApi: string | null;
  /** the product page a pinned product links to; `{productId}` is replaced */
  buyUrl: string;
}

/** The deployment's document at `url`, or `{}` when there is none (local defaults then). */
export async function readDeploymentConfig<T extends object>(url: string, fetchImpl: typeof fetch = fetch): Promise<Partial<T>> {
  try {
    // never a cached copy: the deployment may have moved (a browser option; others ignore it)
    const res = await fetchImpl(url, { cache: 'no-store' } as RequestInit);
    if (res.ok) return (await res.json()) as Partial<T>;
  } catch {
    // no config document: local defaults
  }
  return {};
}

/** `given` over the platform's default ports on `host` (e.g. `http://127.0.0.1`). */
export function platformEndpoints(host: string, given: Partial<PlatformEndpoints> = {}): PlatformEndpoints {
  return {
    managementApi: given.managementApi ?? `${host}:3000`,
    messageApi: given.messageApi ?? `${host}:3001`,
    gateway: given.gateway ?? `${host}:3002`,
    burstApi: given.burstApi ?? `${host}:3003`,
    analyticsApi: given.analyticsApi ?? `${host}:3004`,
    encoderApi: given.encoderApi === undefined ? `${host}:3005` : given.encoderApi,
    buyUrl: given.buyUrl ?? '#/buy/{productId}',
  };
}
