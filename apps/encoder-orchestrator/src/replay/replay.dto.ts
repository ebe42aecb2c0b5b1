import { z } from 'zod';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _');

export const BroadcastParam = z.object({ id });
export const JobParam = z.object({ jobId: z.uuid({ error: 'jobId must be a UUID' }) });

/** POST /v1/replays: a file already on the server (JSON), or a multipart upload with these fields. */
export const CreateReplay = z.object({
  /** the show the replay belongs to; a new id when absent */
  broadcastId: id.optional(),
  /** a file under ENCODER_STORAGE_DIR, when nothing is uploaded */
  path: z.string().min(1).max(1000).optional(),
});
