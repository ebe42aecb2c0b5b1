import { ALL_ROLES, AccessRule, describeAuthorizationMatrix } from '@live/testing';

// Every route x every role, from the OpenAPI document: a new route fails here until it has a
// rule; every forged, expired or malformed token is a 401 on every guarded route.
const rules: Record<string, AccessRule> = {
  'POST /v1/broadcasts/{id}/messages': ALL_ROLES,
  'GET /metrics': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
};

describeAuthorizationMatrix('message-api', rules);
