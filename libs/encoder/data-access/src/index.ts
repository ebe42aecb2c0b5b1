import { CreateReplayJobs1796100000000 } from './migrations/1796100000000-create-replay-jobs';
import { ReplayJobEntity } from './replay-job.entity';
import { ReplayStepEntity } from './replay-step.entity';

export * from './replay-job.entity';
export * from './replay-step.entity';
export * from './replay-job.repository';

/**
 * encoder-orchestrator's schema: live ingest sessions and replay jobs. Entities and
 * migrations are listed here by the features that add them.
 */
export const encoderDatabase = {
  schema: 'encoder',
  entities: [
    // replay (issue 12)
    ReplayJobEntity,
    ReplayStepEntity,
  ] as (new () => unknown)[],
  migrations: [
    // replay (issue 12)
    CreateReplayJobs1796100000000,
  ] as (new () => unknown)[],
};
