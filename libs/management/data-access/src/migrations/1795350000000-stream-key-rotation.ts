import { MigrationInterface, QueryRunner } from 'typeorm';

/** When a show's stream key was last issued (the key itself stays in broadcasts.stream_key). */
export class StreamKeyRotation1795350000000 implements MigrationInterface {
  name = 'StreamKeyRotation1795350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "management"."broadcasts" ADD COLUMN "stream_key_rotated_at" timestamptz`);
    await q.query(`UPDATE "management"."broadcasts" SET "stream_key_rotated_at" = "created_at"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "management"."broadcasts" DROP COLUMN "stream_key_rotated_at"`);
  }
}
