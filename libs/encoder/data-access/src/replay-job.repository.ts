import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReplayJobEntity, ReplayLadder, ReplaySource } from './replay-job.entity';
import { ReplayStepEntity } from './replay-step.entity';

export interface NewReplayJob {
  jobId: string;
  broadcastId: string;
  source: ReplaySource;
  dedupeKey: string | null;
  requestedBy: string | null;
  steps: { name: string; dependsOn: string[] }[];
}

const LOG_TAIL_CHARS = 4_000;
const tail = (s: string | null | undefined) => (s == null ? null : s.slice(-LOG_TAIL_CHARS));

/** Every SQL of the replay pipeline (schema `encoder`): jobs, their steps and the queue. */
@Injectable()
export class ReplayJobRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get jobs() {
    return this.dataSource.getRepository(ReplayJobEntity);
  }

  private get steps() {
    return this.dataSource.getRepository(ReplayStepEntity);
  }

  /** Job and steps in one transaction. A dedupe key already used returns null (nothing written). */
  async create(j: NewReplayJob): Promise<ReplayJobEntity | null> {
    return this.dataSource.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO encoder.replay_jobs (job_id, broadcast_id, source, dedupe_key, status, requested_by)
         VALUES ($1, $2, $3, $4, 'queued', $5) ON CONFLICT (dedupe_key) DO NOTHING RETURNING job_id`,
        [j.jobId, j.broadcastId, JSON.stringify(j.source), j.dedupeKey, j.requestedBy],
      );
      if ((inserted as unknown[]).length === 0) return null;
      await tx.getRepository(ReplayStepEntity).insert(
        j.steps.map((s, seq) => ({ jobId: j.jobId, name: s.name, seq, dependsOn: s.dependsOn, state: 'pending' as const })),
      );
      return tx.getRepository(ReplayJobEntity).findOneByOrFail({ jobId: j.jobId });
    });
  }

  job(jobId: string): Promise<ReplayJobEntity | null> {
    return this.jobs.findOneBy({ jobId });
  }

  latestFor(broadcastId: string): Promise<ReplayJobEntity | null> {
    return this.jobs.findOne({ where: { broadcastId }, order: { createdAt: 'DESC' } });
  }

  /** The last job of the show that published a replay. */
  latestPublished(broadcastId: string): Promise<ReplayJobEntity | null> {
    return this.jobs
      .createQueryBuilder('j')
      .where('j.broadcastId = :broadcastId AND j.publishedAt IS NOT NULL', { broadcastId })
      .orderBy('j.publishedAt', 'DESC')
      .getOne();
  }

  async activeFor(broadcastId: string): Promise<ReplayJobEntity | null> {
    return this.jobs
      .createQueryBuilder('j')
      .where(`j.broadcastId = :broadcastId AND j.status IN ('queued', 'running')`, { broadcastId })
      .getOne();
  }

  stepsOf(jobId: string): Promise<ReplayStepEntity[]> {
    return this.steps.find({ where: { jobId }, order: { seq: 'ASC' } });
  }

  /**
   * Takes the oldest job that is queued, or running under a lease that ran out (its replica
   * died), for `leaseMs`. SKIP LOCKED: replicas polling together never take the same job.
   * Steps a dead replica left running go back to pending; their attempts stay counted.
   */
  async claim(workerId: string, leaseMs: number): Promise<ReplayJobEntity | null> {
    return this.dataSource.transaction(async (tx) => {
      const rows: { job_id: string }[] = await tx.query(
        `SELECT job_id FROM encoder.replay_jobs
          WHERE status = 'queued' OR (status = 'running' AND (lease_until IS NULL OR lease_until < now()))
          ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return null;
      const jobId = rows[0].job_id;
      await tx.query(
        `UPDATE encoder.replay_jobs SET status = 'running', locked_by = $2, lease_until = now() + ($3 || ' milliseconds')::interval,
                started_at = coalesce(started_at, now())
          WHERE job_id = $1`,
        [jobId, workerId, String(leaseMs)],
      );
      await tx.query(`UPDATE encoder.replay_steps SET state = 'pending' WHERE job_id = $1 AND state = 'running'`, [jobId]);
      return tx.getRepository(ReplayJobEntity).findOneByOrFail({ jobId });
    });
  }

  /** false when the lease is no longer ours (it ran out and someone else took the job). */
  async renewLease(jobId: string, workerId: string, leaseMs: number): Promise<boolean> {
    const [, count] = await this.dataSource.query(
      `UPDATE encoder.replay_jobs SET lease_until = now() + ($3 || ' milliseconds')::interval
        WHERE job_id = $1 AND locked_by = $2 AND status = 'running'`,
      [jobId, workerId, String(leaseMs)],
    );
    return count > 0;
  }

  /** A replica shutting down hands its job back to the queue at once. */
  async release(jobId: string, workerId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE encoder.replay_jobs SET status = 'queued', locked_by = NULL, lease_until = NULL WHERE job_id = $1 AND locked_by = $2 AND status = 'running'`,
      [jobId, workerId],
    );
    await this.dataSource.query(`UPDATE encoder.replay_steps SET state = 'pending' WHERE job_id = $1 AND state = 'running'`, [jobId]);
  }

  /** Returns the attempt number this run of the step is. */
  async startStep(jobId: string, name: string): Promise<number> {
    // TypeORM answers an UPDATE with [rows, rowCount]
    const [rows]: [{ attempts: number }[], number] = await this.dataSource.query(
      `UPDATE encoder.replay_steps SET state = 'running', attempts = attempts + 1, progress = 0, started_at = now(), ended_at = NULL, error = NULL
        WHERE job_id = $1 AND name = $2 RETURNING attempts`,
      [jobId, name],
    );
    return rows[0]?.attempts ?? 1;
  }

  async stepProgress(jobId: string, name: string, progress: number, logTail?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE encoder.replay_steps SET progress = $3, log_tail = coalesce($4, log_tail) WHERE job_id = $1 AND name = $2 AND state = 'running'`,
      [jobId, name, progress, tail(logTail)],
    );
  }

  async finishStep(jobId: string, name: string, output: Record<string, unknown>, logTail?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE encoder.replay_steps SET state = 'succeeded', progress = 100, ended_at = now(), output = $3, log_tail = coalesce($4, log_tail), error = NULL
        WHERE job_id = $1 AND name = $2`,
      [jobId, name, JSON.stringify(output), tail(logTail)],
    );
  }

  /** `final`: no attempt left, the step stays failed; otherwise it goes back to pending. */
  async failStep(jobId: string, name: string, error: string, logTail: string | undefined, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE encoder.replay_steps SET state = $3, ended_at = now(), error = $4, log_tail = coalesce($5, log_tail) WHERE job_id = $1 AND name = $2`,
      [jobId, name, final ? 'failed' : 'pending', error.slice(0, 2000), tail(logTail)],
    );
  }

  async setProgress(jobId: string, progress: number): Promise<void> {
    await this.jobs.update({ jobId }, { progress });
  }

  async setLadder(jobId: string, ladder: ReplayLadder): Promise<void> {
    await this.jobs.update({ jobId }, { ladder });
  }

  async addWarnings(jobId: string, warnings: string[]): Promise<void> {
    if (warnings.length === 0) return;
    await this.dataSource.query(
      `UPDATE encoder.replay_jobs SET warnings = (SELECT coalesce(jsonb_agg(DISTINCT w), '[]') FROM jsonb_array_elements(warnings || $2::jsonb) w) WHERE job_id = $1`,
      [jobId, JSON.stringify(warnings)],
    );
  }

  async failJob(jobId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE encoder.replay_jobs SET status = 'failed', reason = $2, finished_at = now(), locked_by = NULL, lease_until = NULL WHERE job_id = $1`,
      [jobId, reason.slice(0, 2000)],
    );
  }

  async succeedJob(jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE encoder.replay_jobs SET status = 'succeeded', reason = NULL, progress = 100, finished_at = now(), published_at = now(), locked_by = NULL, lease_until = NULL
        WHERE job_id = $1`,
      [jobId],
    );
  }

  /**
   * A failed job goes back to the queue; its failed step (and only the steps not done) run
   * again, with a fresh attempt budget. Null when the job is not failed.
   */
  async retry(jobId: string): Promise<ReplayJobEntity | null> {
    return this.dataSource.transaction(async (tx) => {
      const [, count]: [unknown[], number] = await tx.query(
        `UPDATE encoder.replay_jobs SET status = 'queued', reason = NULL, finished_at = NULL WHERE job_id = $1 AND status = 'failed'`,
        [jobId],
      );
      if (count === 0) return null;
      await tx.query(`UPDATE encoder.replay_steps SET state = 'pending', attempts = 0, error = NULL WHERE job_id = $1 AND state <> 'succeeded'`, [jobId]);
      return tx.getRepository(ReplayJobEntity).findOneByOrFail({ jobId });
    });
  }
}
