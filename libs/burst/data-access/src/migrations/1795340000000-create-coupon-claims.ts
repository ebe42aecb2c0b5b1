import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCouponClaims1795340000000 implements MigrationInterface {
  name = 'CreateCouponClaims1795340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "burst"."coupon_claims" (
        "claim_id" uuid PRIMARY KEY,
        "coupon_id" uuid NOT NULL,
        "broadcast_id" text NOT NULL,
        "user_id" text NOT NULL,
        "ordinal" int NOT NULL,
        "claimed_at" timestamptz NOT NULL,
        UNIQUE ("coupon_id", "user_id", "ordinal")
      )`);
    await q.query(`CREATE INDEX "coupon_claims_broadcast_idx" ON "burst"."coupon_claims" ("broadcast_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "burst"."coupon_claims"`);
  }
}
