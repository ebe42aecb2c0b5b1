import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a replay job reads its video from. */
export type ReplaySource =
  /** the live pipeline's recording, `<storage>/recordings/<broadcastId>/` */
  | { kind: 'recording' }
  /** a file on the server (an upload lands here too) */
  | { kind: 'file'; path: string };

export interface LadderRung {
  name: string;
  width: number;
  height: number;
  /** video bitrate chosen for the rung, kbit/s */
  videoKbps: number;
  /** the quality score of that bitrate on the probe samples (VMAF, or the SSIM mapping) */
  score: number;
  /** true when even the highest candidate stayed under the target */
  belowTarget: boolean;
  /** every probe: candidate bitrate and its score */
  probes: { kbps: number; score: number }[];
}

export interface ReplayLadder {
  metric: 'vmaf' | 'ssim';
  target: number;
  rungs: LadderRung[];
}

/**
 * One replay job: a recording (or file) becoming a published replay. Claimed by one replica
 * at a time through `lease_until` (SELECT ... FOR UPDATE SKIP LOCKED); a replica that dies
 * lets the lease run out and another (or its restart) takes the job over where it stood.
 */
@Entity({ name: 'replay_jobs' })
@Index('replay_jobs_broadcast_idx', ['broadcastId', 'createdAt'])
export class ReplayJobEntity {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @Column({ name: 'broadcast_id', type: 'text' })
  broadcastId!: string;

  @Column({ name: 'source', type: 'jsonb' })
  source!: ReplaySource;

  /** lifecycle triggers dedupe on it; manual ones leave it null */
  @Column({ name: 'dedupe_key', type: 'text', nullable: true, unique: true })
  dedupeKey!: string | null;

  @Column({ name: 'status', type: 'text' })
  status!: 'queued' | 'running' | 'succeeded' | 'failed';

  @Column({ name: 'reason', type: 'text', nullable: true })
  reason!: string | null;

  /** things that degraded the replay without failing it (no audio, no chat) */
  @Column({ name: 'warnings', type: 'jsonb', default: () => `'[]'` })
  warnings!: string[];

  @Column({ name: 'ladder', type: 'jsonb', nullable: true })
  ladder!: ReplayLadder | null;

  @Column({ name: 'progress', type: 'real', default: 0 })
  progress!: number;

  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'locked_by', type: 'text', nullable: true })
  lockedBy!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
