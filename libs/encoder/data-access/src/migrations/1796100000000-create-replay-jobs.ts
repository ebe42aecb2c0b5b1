import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReplayJobs1796100000000 implements MigrationInterface {
  name = 'CreateReplayJobs1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "encoder"."replay_jobs" (
        "job_id" uuid PRIMARY KEY,
        "broadcast_id" text NOT NULL,
        "source" jsonb NOT NULL,
        "dedupe_key" text UNIQUE,
        "status" text NOT NULL CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed')),
        "reason" text,
        "warnings" jsonb NOT NULL DEFAULT '[]',
        "ladder" jsonb,
        "progress" real NOT NULL DEFAULT 0,
        "requested_by" text,
        "locked_by" text,
        "lease_until" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "published_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "replay_jobs_broadcast_idx" ON "encoder"."replay_jobs" ("broadcast_id", "created_at")`);
    // the queue scan: queued jobs, and running ones whose lease ran out
    await q.query(`CREATE INDEX "replay_jobs_queue_idx" ON "encoder"."replay_jobs" ("created_at") WHERE "status" IN ('queued', 'running')`);
    await q.query(`
      CREATE TABLE "encoder"."replay_steps" (
        "job_id" uuid NOT NULL REFERENCES "encoder"."replay_jobs" ("job_id") ON DELETE CASCADE,
        "name" text NOT NULL,
        "seq" int NOT NULL,
        "depends_on" text[] NOT NULL DEFAULT '{}',
        "state" text NOT NULL CHECK ("state" IN ('pending', 'running', 'succeeded', 'failed')),
        "attempts" int NOT NULL DEFAULT 0,
        "progress" real NOT NULL DEFAULT 0,
        "started_at" timestamptz,
        "ended_at" timestamptz,
        "log_tail" text,
        "error" text,
        "output" jsonb,
        PRIMARY KEY ("job_id", "name")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "encoder"."replay_steps"`);
    await q.query(`DROP TABLE "encoder"."replay_jobs"`);
  }
}
