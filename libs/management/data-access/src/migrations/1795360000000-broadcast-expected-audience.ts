import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audience a show expects: the surge pre-warmer raises autoscaler floors for big ones. */
export class BroadcastExpectedAudience1795360000000 implements MigrationInterface {
  name = 'BroadcastExpectedAudience1795360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "management"."broadcasts" ADD COLUMN "expected_audience" int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "management"."broadcasts" DROP COLUMN "expected_audience"`);
  }
}
