import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One step of a replay job's DAG, with what an operator needs to see why it is where it is. */
@Entity({ name: 'replay_steps' })
export class ReplayStepEntity {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @PrimaryColumn({ name: 'name', type: 'text' })
  name!: string;

  /** position in the topological order */
  @Column({ name: 'seq', type: 'int' })
  seq!: number;

  @Column({ name: 'depends_on', type: 'text', array: true, default: () => `'{}'` })
  dependsOn!: string[];

  @Column({ name: 'state', type: 'text' })
  state!: 'pending' | 'running' | 'succeeded' | 'failed';

  @Column({ name: 'attempts', type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'progress', type: 'real', default: 0 })
  progress!: number;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  /** the last lines of the step's tool output (ffmpeg stderr) */
  @Column({ name: 'log_tail', type: 'text', nullable: true })
  logTail!: string | null;

  @Column({ name: 'error', type: 'text', nullable: true })
  error!: string | null;

  /** what the step produced, for the steps after it (probe figures, file names) */
  @Column({ name: 'output', type: 'jsonb', nullable: true })
  output!: Record<string, unknown> | null;
}
