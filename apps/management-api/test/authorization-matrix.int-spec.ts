import { AccessRule, describeAuthorizationMatrix } from '@live/testing';

// Every route x every role, from the OpenAPI document: a new route fails here until it has a
// rule. Ownership (a seller and its own show) is authorization.int-spec.ts.
const managers = ['admin', 'operator', 'seller'] as const;
const staff = ['admin', 'operator'] as const;
const moderation = ['admin', 'operator', 'seller', 'moderator'] as const;
const rules: Record<string, AccessRule> = {
  'POST /v1/broadcasts': managers,
  'GET /v1/broadcasts': managers,
  'GET /v1/broadcasts/{id}': managers,
  'PATCH /v1/broadcasts/{id}': managers,
  'PUT /v1/broadcasts/{id}/chat-settings': managers,
  'POST /v1/broadcasts/{id}/start': managers,
  'POST /v1/broadcasts/{id}/end': managers,
  'POST /v1/products': managers,
  'GET /v1/products': managers,
  'GET /v1/products/{id}': managers,
  'PATCH /v1/products/{id}': managers,
  'GET /v1/broadcasts/{id}/products': managers,
  'POST /v1/broadcasts/{id}/products': managers,
  'PUT /v1/broadcasts/{id}/products/order': managers,
  'DELETE /v1/broadcasts/{id}/products/{productId}': managers,
  'POST /v1/broadcasts/{id}/products/{productId}/pin': managers,
  'POST /v1/broadcasts/{id}/products/{productId}/unpin': managers,
  'POST /v1/broadcasts/{id}/coupons': managers,
  'GET /v1/broadcasts/{id}/coupons': managers,
  'POST /v1/broadcasts/{id}/coupons/{couponId}/expose': managers,
  'POST /v1/broadcasts/{id}/coupons/{couponId}/hide': managers,
  'POST /v1/broadcasts/{id}/notices': managers,
  'GET /v1/broadcasts/{id}/notices': managers,
  'POST /v1/broadcasts/{id}/notices/{noticeId}/clear': managers,
  'POST /v1/broadcasts/{id}/polls': managers,
  'GET /v1/broadcasts/{id}/polls': managers,
  'POST /v1/broadcasts/{id}/polls/{pollId}/open': managers,
  'POST /v1/broadcasts/{id}/polls/{pollId}/close': managers,
  'POST /v1/broadcasts/{id}/bans': moderation,
  'GET /v1/broadcasts/{id}/bans': moderation,
  'DELETE /v1/broadcasts/{id}/bans/{userId}': moderation,
  'DELETE /v1/broadcasts/{id}/messages/{messageId}': moderation,
  'POST /v1/bans': staff,
  'GET /v1/bans': staff,
  'DELETE /v1/bans/{userId}': staff,
  'GET /v1/audit': ['admin'],
  'GET /v1/broadcasts/{id}/stream-key': managers,
  'POST /v1/broadcasts/{id}/stream-key/rotate': managers,
  'GET /metrics': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
};

describeAuthorizationMatrix('management-api', rules, { fill: (p) => (p === 'userId' || p === 'messageId' ? 'someone' : undefined) });
