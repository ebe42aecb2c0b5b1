import { z } from 'zod';
import { EventEnvelope } from './envelope';

export const ReplayJobStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type ReplayJobStatus = z.infer<typeof ReplayJobStatus>;

export const ReplayStepState = z.enum(['pending', 'running', 'succeeded', 'failed']);
export type ReplayStepState = z.infer<typeof ReplayStepState>;

/**
 * A replay job moved: a step started, progressed, finished or failed, or the job changed
 * status. Emitted by encoder-orchestrator (at most about once a second per running step).
 */
export const EncoderReplayProgressV1 = EventEnvelope.extend({
  jobId: z.uuid(),
  broadcastId: z.string().min(1).max(64),
  status: ReplayJobStatus,
  /** the step this event is about; null for a job-level change */
  step: z.string().max(40).nullable(),
  stepState: ReplayStepState.nullable(),
  /** the step's progress, 0..100 */
  stepProgress: z.number().min(0).max(100).nullable(),
  /** the whole job's progress, 0..100 */
  progress: z.number().min(0).max(100),
  /** why the job or step failed, e.g. `CORRUPT_RECORDING: ...` */
  reason: z.string().max(2000).nullable(),
});
export type EncoderReplayProgressV1 = z.infer<typeof EncoderReplayProgressV1>;
