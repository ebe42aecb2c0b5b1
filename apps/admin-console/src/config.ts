import { PlatformEndpoints, platformEndpoints, readDeploymentConfig } from '@live/viewer-sdk';

/** Where the platform's services are (see PlatformEndpoints), and the viewer page. */
export interface WebConfig extends PlatformEndpoints {
  /** the viewer web app, for the "viewer page" link */
  viewerUrl: string;
}

export async function loadConfig(): Promise<WebConfig> {
  const host = `${location.protocol}//${location.hostname}`;
  const given = await readDeploymentConfig<WebConfig>('/config.json');
  return { ...platformEndpoints(host, given), viewerUrl: given.viewerUrl ?? `${host}:4300/` };
}
