/**
 * Where the platform's services are, read at start from /config.json (written by the static
 * server from its environment, see tools/web/serve.mjs), so one build serves every deployment.
 * A missing field defaults to this page's host on the platform's default port.
 */
export interface WebConfig {
  managementApi: string;
  messageApi: string;
  gateway: string;
  burstApi: string;
  analyticsApi: string;
  /** encoder-orchestrator: the HLS origin (/live, /vod) and the replay API; null: no video here */
  encoderApi: string | null;
  /** the product page a pinned product links to; `{productId}` is replaced */
  buyUrl: string;
  /** the viewer web app, for the "viewer page" link */
  viewerUrl: string;
}

export async function loadConfig(): Promise<WebConfig> {
  const host = `${location.protocol}//${location.hostname}`;
  let given: Partial<WebConfig> = {};
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) given = (await res.json()) as Partial<WebConfig>;
  } catch {
    // no config file: local defaults
  }
  return {
    managementApi: given.managementApi ?? `${host}:3000`,
    messageApi: given.messageApi ?? `${host}:3001`,
    gateway: given.gateway ?? `${host}:3002`,
    burstApi: given.burstApi ?? `${host}:3003`,
    analyticsApi: given.analyticsApi ?? `${host}:3004`,
    encoderApi: given.encoderApi === undefined ? `${host}:3005` : given.encoderApi,
    buyUrl: given.buyUrl ?? '#/buy/{productId}',
    viewerUrl: given.viewerUrl ?? `${host}:4300/`,
  };
}
