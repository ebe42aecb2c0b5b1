import { AccessRule, describeAuthorizationMatrix } from '@live/testing';

// Every route x every role, from the OpenAPI document: a new route fails here until it has a
// rule; every forged, expired or malformed token is a 401 on every guarded route.
const managers = ['admin', 'operator', 'seller'] as const;
const rules: Record<string, AccessRule> = {
  'GET /v1/broadcasts/{id}/stats': managers,
  'GET /v1/broadcasts/{id}/heatmap': managers,
  'GET /v1/broadcasts/{id}/report': managers,
  'GET /metrics': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
};

describeAuthorizationMatrix('analytics', rules);
