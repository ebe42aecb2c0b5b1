import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RECORDING_MANIFEST, RECORDING_METADATA, RecordingManifest, RecordingMetadataLine } from '../recording/recording.manifest';
import { StepError } from './steps/step-error';

/** `<storage>/recordings/<broadcastId>/`, the layout the live pipeline keeps (recording.manifest.ts). */
export const recordingDir = (storageDir: string, broadcastId: string) => path.join(storageDir, 'recordings', broadcastId);

/** The manifest of a recording, or a clear permanent StepError. */
export async function readRecordingManifest(dir: string): Promise<RecordingManifest> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, RECORDING_MANIFEST), 'utf8');
  } catch {
    throw new StepError('NO_RECORDING', `no recording at ${dir} (${RECORDING_MANIFEST} missing)`, true);
  }
  let parsed: RecordingManifest;
  try {
    parsed = RecordingManifest.parse(JSON.parse(raw));
  } catch (err) {
    throw new StepError('CORRUPT_RECORDING', `${RECORDING_MANIFEST} is not a valid recording manifest: ${err instanceof Error ? err.message.slice(0, 300) : err}`, true);
  }
  if (!parsed.complete) throw new StepError('RECORDING_INCOMPLETE', 'the recording is not complete yet (the show has not closed its last part)');
  if (parsed.parts.length === 0) throw new StepError('EMPTY_RECORDING', 'the recording has no parts: the show sent no video', true);
  return parsed;
}

/** The overlay changes stamped into the show; unreadable lines are skipped, never fatal. */
export async function readRecordingMetadata(dir: string): Promise<RecordingMetadataLine[]> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, RECORDING_METADATA), 'utf8');
  } catch {
    return [];
  }
  const lines: RecordingMetadataLine[] = [];
  for (const line of raw.split('\n')) {
    if (!line.trim()) continue;
    try {
      lines.push(RecordingMetadataLine.parse(JSON.parse(line)));
    } catch {
      // a torn last line (crash while appending) is expected; the rest still counts
    }
  }
  return lines;
}

/** One part on the replay timeline: wall-clock start, where it begins in the video, how long. */
export interface TimelinePart {
  file: string;
  startedAtMs: number;
  offsetSec: number;
  durationSec: number;
}

/**
 * Wall-clock time -> seconds into the replay. Parts are played back to back, so a moment in
 * a gap between two ingest sessions (the encoder reconnecting) has no video: null.
 */
export function videoTimeOf(parts: TimelinePart[], wallMs: number): number | null {
  for (const p of parts) {
    const into = (wallMs - p.startedAtMs) / 1000;
    if (into >= 0 && into <= p.durationSec) return p.offsetSec + into;
  }
  return null;
}

/** Like videoTimeOf, but a moment in a gap or before the start snaps to the next part's start. */
export function videoTimeAtOrAfter(parts: TimelinePart[], wallMs: number): number | null {
  const exact = videoTimeOf(parts, wallMs);
  if (exact !== null) return exact;
  const next = parts.find((p) => p.startedAtMs > wallMs);
  return next ? next.offsetSec : null;
}
