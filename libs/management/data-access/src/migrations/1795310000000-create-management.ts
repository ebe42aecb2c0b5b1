import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateManagement1795310000000 implements MigrationInterface {
  name = 'CreateManagement1795310000000';

  async up(q: QueryRunner): Promise<void> {
    const s = '"management"';
    await q.query(`
      CREATE TABLE ${s}."broadcasts" (
        "id" uuid PRIMARY KEY,
        "title" text NOT NULL,
        "seller_id" text NOT NULL,
        "scheduled_at" timestamptz NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('scheduled', 'live', 'ended')),
        "started_at" timestamptz,
        "ended_at" timestamptz,
        "stream_key" text NOT NULL UNIQUE,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "broadcasts_list_idx" ON ${s}."broadcasts" ("created_at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "broadcasts_seller_idx" ON ${s}."broadcasts" ("seller_id", "status")`);
    await q.query(`
      CREATE TABLE ${s}."products" (
        "id" uuid PRIMARY KEY,
        "seller_id" text NOT NULL,
        "name" text NOT NULL,
        "price" numeric(12,2) NOT NULL CHECK ("price" >= 0),
        "currency" text NOT NULL,
        "image_url" text,
        "stock" int NOT NULL CHECK ("stock" >= 0),
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "products_list_idx" ON ${s}."products" ("created_at" DESC, "id" DESC)`);
    await q.query(`
      CREATE TABLE ${s}."broadcast_products" (
        "broadcast_id" uuid NOT NULL REFERENCES ${s}."broadcasts"("id") ON DELETE CASCADE,
        "product_id" uuid NOT NULL REFERENCES ${s}."products"("id"),
        "position" int NOT NULL,
        "pinned" boolean NOT NULL DEFAULT false,
        PRIMARY KEY ("broadcast_id", "product_id")
      )`);
    // at most one pinned product per show
    await q.query(`CREATE UNIQUE INDEX "broadcast_products_one_pin" ON ${s}."broadcast_products" ("broadcast_id") WHERE "pinned"`);
    await q.query(`
      CREATE TABLE ${s}."coupons" (
        "id" uuid PRIMARY KEY,
        "broadcast_id" uuid NOT NULL REFERENCES ${s}."broadcasts"("id") ON DELETE CASCADE,
        "name" text NOT NULL,
        "discount_type" text NOT NULL CHECK ("discount_type" IN ('percent', 'amount')),
        "discount_value" numeric(12,2) NOT NULL CHECK ("discount_value" > 0),
        "currency" text,
        "total_quantity" int NOT NULL CHECK ("total_quantity" > 0),
        "per_user_limit" int NOT NULL CHECK ("per_user_limit" > 0),
        "valid_from" timestamptz NOT NULL,
        "valid_until" timestamptz NOT NULL CHECK ("valid_until" > "valid_from"),
        "exposed" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "coupons_broadcast_idx" ON ${s}."coupons" ("broadcast_id")`);
    await q.query(`
      CREATE TABLE ${s}."notices" (
        "id" uuid PRIMARY KEY,
        "broadcast_id" uuid NOT NULL REFERENCES ${s}."broadcasts"("id") ON DELETE CASCADE,
        "text" text NOT NULL,
        "posted_at" timestamptz NOT NULL,
        "expires_at" timestamptz,
        "cleared_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "notices_broadcast_idx" ON ${s}."notices" ("broadcast_id")`);
    await q.query(`
      CREATE TABLE ${s}."polls" (
        "id" uuid PRIMARY KEY,
        "broadcast_id" uuid NOT NULL REFERENCES ${s}."broadcasts"("id") ON DELETE CASCADE,
        "question" text NOT NULL,
        "options" jsonb NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('draft', 'open', 'closed')),
        "opened_at" timestamptz,
        "closed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "polls_broadcast_idx" ON ${s}."polls" ("broadcast_id")`);
    await q.query(`
      CREATE TABLE ${s}."bans" (
        "id" uuid PRIMARY KEY,
        "broadcast_id" uuid REFERENCES ${s}."broadcasts"("id") ON DELETE CASCADE,
        "user_id" text NOT NULL,
        "reason" text NOT NULL,
        "until" timestamptz,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "lifted_at" timestamptz,
        "lifted_by" text
      )`);
    await q.query(`CREATE INDEX "bans_active_idx" ON ${s}."bans" ("broadcast_id", "user_id") WHERE "lifted_at" IS NULL`);
    await q.query(`
      CREATE TABLE ${s}."audit_log" (
        "id" bigserial PRIMARY KEY,
        "actor_id" text NOT NULL,
        "actor_roles" text[] NOT NULL,
        "action" text NOT NULL,
        "target_type" text NOT NULL,
        "target_id" text NOT NULL,
        "broadcast_id" uuid,
        "details" jsonb NOT NULL DEFAULT '{}',
        "correlation_id" text,
        "at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ${s}."outbox" (
        "id" bigserial PRIMARY KEY,
        "topic" text NOT NULL,
        "key" text NOT NULL,
        "payload" jsonb NOT NULL,
        "correlation_id" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "published_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "outbox_pending_idx" ON ${s}."outbox" ("id") WHERE "published_at" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'audit_log', 'bans', 'polls', 'notices', 'coupons', 'broadcast_products', 'products', 'broadcasts']) {
      await q.query(`DROP TABLE "management"."${t}"`);
    }
  }
}
