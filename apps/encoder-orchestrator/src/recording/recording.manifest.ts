import { z } from 'zod';

/**
 * What the live pipeline keeps of a show for the replay pipeline, under
 * `<ENCODER_STORAGE_DIR>/recordings/<broadcastId>/`:
 *
 * - `part-000.ts`, `part-001.ts`, ...: one MPEG-TS file (H.264 + AAC) per ingest session
 *   (an encoder that reconnects starts a new part), complete files only;
 * - `manifest.json` (this schema), rewritten atomically (temp file + rename) on every change;
 *   `complete` turns true once the show ended and the last part is closed;
 * - `metadata.jsonl`: one RecordingMetadataLine per overlay change stamped into the video.
 *
 * Times are wall-clock ISO strings: a part's `startedAt` is the wall-clock time of its first
 * frame (the EXT-X-PROGRAM-DATE-TIME of its first segment), so chat lines and overlay
 * events (also wall-clock) map onto the video timeline.
 */
export const RecordingPart = z.object({
  file: z.string().regex(/^part-\d{3,}\.ts$/),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
});
export type RecordingPart = z.infer<typeof RecordingPart>;

export const RecordingManifest = z.object({
  version: z.literal(1),
  broadcastId: z.string(),
  parts: z.array(RecordingPart),
  complete: z.boolean(),
});
export type RecordingManifest = z.infer<typeof RecordingManifest>;

export const RecordingMetadataLine = z.object({
  at: z.iso.datetime(),
  overlayId: z.string(),
  action: z.enum(['show', 'hide']),
  kind: z.string(),
  payload: z.unknown(),
});
export type RecordingMetadataLine = z.infer<typeof RecordingMetadataLine>;

export const RECORDING_MANIFEST = 'manifest.json';
export const RECORDING_METADATA = 'metadata.jsonl';
