import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RECORDING_MANIFEST, RECORDING_METADATA, RecordingManifest, RecordingMetadataLine } from './recording.manifest';

/**
 * Writes one show's recording in the layout of recording.manifest.ts (the replay pipeline
 * reads it): parts as ffmpeg writes them, the manifest rewritten atomically on every change,
 * overlay changes appended to metadata.jsonl.
 */
export class RecordingWriter {
  private manifest: RecordingManifest;
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    manifest: RecordingManifest,
  ) {
    this.manifest = manifest;
  }

  static async open(storageDir: string, broadcastId: string): Promise<RecordingWriter> {
    const dir = path.join(storageDir, 'recordings', broadcastId);
    await mkdir(dir, { recursive: true });
    let manifest: RecordingManifest = { version: 1, broadcastId, parts: [], complete: false };
    try {
      manifest = RecordingManifest.parse(JSON.parse(await readFile(path.join(dir, RECORDING_MANIFEST), 'utf8')));
    } catch {
      // first session of the show (or an unreadable manifest: start a fresh one)
    }
    const writer = new RecordingWriter(dir, manifest);
    await writer.save();
    return writer;
  }

  get parts(): number {
    return this.manifest.parts.length;
  }

  get snapshot(): RecordingManifest {
    return structuredClone(this.manifest);
  }

  /** Starts the next part; returns its file path. */
  async startPart(startedAt: Date): Promise<{ index: number; file: string }> {
    const index = this.manifest.parts.length;
    const file = `part-${String(index).padStart(3, '0')}.ts`;
    this.manifest.parts.push({ file, startedAt: startedAt.toISOString(), endedAt: null });
    this.manifest.complete = false;
    await this.save();
    return { index, file: path.join(this.dir, file) };
  }

  /** The wall-clock time of the part's first frame, once the first segment tells it. */
  async setPartStart(index: number, startedAt: Date): Promise<void> {
    const part = this.manifest.parts[index];
    if (!part) return;
    part.startedAt = startedAt.toISOString();
    await this.save();
  }

  async endPart(index: number, endedAt: Date): Promise<void> {
    const part = this.manifest.parts[index];
    if (!part || part.endedAt) return;
    part.endedAt = endedAt.toISOString();
    await this.save();
  }

  async complete(at: Date): Promise<void> {
    for (const p of this.manifest.parts) p.endedAt ??= at.toISOString();
    this.manifest.complete = true;
    await this.save();
  }

  async appendMetadata(line: RecordingMetadataLine): Promise<void> {
    const valid = RecordingMetadataLine.parse(line);
    await this.serial(() => appendFile(path.join(this.dir, RECORDING_METADATA), `${JSON.stringify(valid)}\n`));
  }

  private save(): Promise<void> {
    const text = JSON.stringify(RecordingManifest.parse(this.manifest), null, 2);
    return this.serial(async () => {
      const target = path.join(this.dir, RECORDING_MANIFEST);
      await writeFile(`${target}.tmp`, text);
      await rename(`${target}.tmp`, target);
    });
  }

  /** Writes in call order: a manifest write never overtakes the one before it. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
