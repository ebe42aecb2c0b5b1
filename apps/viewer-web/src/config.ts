import { PlatformEndpoints, platformEndpoints, readDeploymentConfig } from '@live/viewer-sdk';

/** Where the platform's services are (see PlatformEndpoints): /config.json over local defaults. */
export type WebConfig = PlatformEndpoints;

export async function loadConfig(): Promise<WebConfig> {
  return platformEndpoints(`${location.protocol}//${location.hostname}`, await readDeploymentConfig<WebConfig>('/config.json'));
}
