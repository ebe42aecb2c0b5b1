import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: what opens the platform to viewers and shops -- sellers' display names, shop API
 * keys (sha256 at rest), stock reservations, coupon codes of won claims (and a viewer's votes),
 * webhook endpoints and their deliveries (the outbox the delivery worker sends from).
 */
export class ViewerCommerce1796200000000 implements MigrationInterface {
  name = 'ViewerCommerce1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "management"."seller_profiles" (
      "seller_id" text PRIMARY KEY,
      "display_name" text NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX "broadcasts_scheduled_idx" ON "management"."broadcasts" ("scheduled_at", "id")`);
    await q.query(`CREATE TABLE "management"."api_keys" (
      "id" uuid PRIMARY KEY,
      "seller_id" text NOT NULL,
      "name" text NOT NULL,
      "prefix" text NOT NULL UNIQUE,
      "key_hash" text NOT NULL,
      "created_by" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "last_used_at" timestamptz,
      "revoked_at" timestamptz)`);
    await q.query(`CREATE INDEX "api_keys_seller_idx" ON "management"."api_keys" ("seller_id")`);
    await q.query(`CREATE TABLE "management"."stock_reservations" (
      "product_id" uuid NOT NULL REFERENCES "management"."products" ("id"),
      "reservation_id" text NOT NULL,
      "quantity" int NOT NULL CHECK ("quantity" > 0),
      "status" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "released_at" timestamptz,
      PRIMARY KEY ("product_id", "reservation_id"))`);
    await q.query(`ALTER TABLE "management"."products" ADD CONSTRAINT "products_stock_non_negative" CHECK ("stock" >= 0)`);
    await q.query(`CREATE TABLE "management"."coupon_codes" (
      "claim_id" uuid PRIMARY KEY,
      "code" text NOT NULL UNIQUE,
      "coupon_id" uuid NOT NULL,
      "broadcast_id" uuid NOT NULL,
      "seller_id" text NOT NULL,
      "user_id" text NOT NULL,
      "claimed_at" timestamptz NOT NULL,
      "expires_at" timestamptz NOT NULL,
      "redeemed_at" timestamptz,
      "redeemed_by_key" uuid,
      "order_ref" text)`);
    await q.query(`CREATE INDEX "coupon_codes_user_idx" ON "management"."coupon_codes" ("user_id", "claimed_at" DESC)`);
    await q.query(`CREATE TABLE "management"."viewer_votes" (
      "vote_id" uuid PRIMARY KEY,
      "poll_id" uuid NOT NULL,
      "broadcast_id" text NOT NULL,
      "user_id" text NOT NULL,
      "option" int NOT NULL,
      "voted_at" timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX "viewer_votes_user_idx" ON "management"."viewer_votes" ("user_id", "voted_at" DESC)`);
    await q.query(`CREATE INDEX "viewer_votes_poll_idx" ON "management"."viewer_votes" ("poll_id")`);
    await q.query(`CREATE TABLE "management"."webhook_endpoints" (
      "id" uuid PRIMARY KEY,
      "seller_id" text,
      "url" text NOT NULL,
      "description" text NOT NULL DEFAULT '',
      "secret" text NOT NULL,
      "event_types" text[] NOT NULL,
      "enabled" boolean NOT NULL DEFAULT true,
      "failing_since" timestamptz,
      "disabled_at" timestamptz,
      "disabled_reason" text,
      "created_by" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX "webhook_endpoints_seller_idx" ON "management"."webhook_endpoints" ("seller_id")`);
    await q.query(`CREATE TABLE "management"."webhook_deliveries" (
      "id" text PRIMARY KEY,
      "endpoint_id" uuid NOT NULL REFERENCES "management"."webhook_endpoints" ("id") ON DELETE CASCADE,
      "event_id" text NOT NULL,
      "event_type" text NOT NULL,
      "payload" jsonb NOT NULL,
      "status" text NOT NULL,
      "attempts" int NOT NULL DEFAULT 0,
      "next_attempt_at" timestamptz,
      "last_attempt_at" timestamptz,
      "last_status" int,
      "last_error" text,
      "delivered_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      UNIQUE ("endpoint_id", "event_id"))`);
    await q.query(`CREATE INDEX "webhook_deliveries_due_idx" ON "management"."webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending'`);
    await q.query(`CREATE INDEX "webhook_deliveries_endpoint_idx" ON "management"."webhook_deliveries" ("endpoint_id", "created_at" DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "management"."webhook_deliveries"`);
    await q.query(`DROP TABLE "management"."webhook_endpoints"`);
    await q.query(`DROP TABLE "management"."viewer_votes"`);
    await q.query(`DROP TABLE "management"."coupon_codes"`);
    await q.query(`ALTER TABLE "management"."products" DROP CONSTRAINT "products_stock_non_negative"`);
    await q.query(`DROP TABLE "management"."stock_reservations"`);
    await q.query(`DROP TABLE "management"."api_keys"`);
    await q.query(`DROP INDEX "management"."broadcasts_scheduled_idx"`);
    await q.query(`DROP TABLE "management"."seller_profiles"`);
  }
}
