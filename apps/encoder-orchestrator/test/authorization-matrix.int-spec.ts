import { AccessRule, describeAuthorizationMatrix } from '@live/testing';

// Every route x every role, from the OpenAPI document: a new route fails here until it has a
// rule; every forged, expired or malformed token is a 401 on every guarded route.
// Playback (live HLS, VOD, a show's replay status) is public, as a CDN serves it.
const staff = ['admin', 'operator'] as const;
const rules: Record<string, AccessRule> = {
  'GET /v1/broadcasts/{id}/replay': 'public',
  'POST /v1/broadcasts/{id}/replay': staff,
  'POST /v1/broadcasts/{id}/replay/retry': staff,
  'POST /v1/replays': staff,
  'GET /v1/replays/{jobId}': staff,
  'POST /v1/replays/{jobId}/retry': staff,
  'GET /live/{id}/master.m3u8': 'public',
  'GET /live/{id}/{rung}/index.m3u8': 'public',
  'GET /live/{id}/{rung}/{segment}': 'public',
  'GET /vod/{broadcastId}/{file}': 'public',
  'GET /metrics': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
};

describeAuthorizationMatrix('encoder-orchestrator', rules);
