import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { BroadcastLifecycleV1 } from '@live/contracts';
import { ReplayJobEntity, ReplayJobRepository, ReplaySource } from '@live/encoder-data-access';
import { randomUUID } from 'node:crypto';
import { readFile, rename, stat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppConfig } from '../app.config';
import { VodStorage } from '../vod/vod.storage';
import { REPLAY_STEPS } from './replay.dag';
import { ReplayWorker } from './replay-worker.service';
import { ReplayErrors } from './replay.errors';


/** Starts replay jobs (show ended, staff request, upload) and answers what a show's replay is. */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger(ReplayService.name);

  constructor(
    private readonly repo: ReplayJobRepository,
    private readonly storage: VodStorage,
    private readonly worker: ReplayWorker,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  private newJob(broadcastId: string, source: ReplaySource, dedupeKey: string | null, requestedBy: string | null) {
    return this.repo.create({
      jobId: randomUUID(),
      broadcastId,
      source,
      dedupeKey,
      requestedBy,
      steps: REPLAY_STEPS.map((s) => ({ name: s.name, dependsOn: [...s.dependsOn] })),
    });
  }

  /** From broadcast.lifecycle: an ended show gets one replay job, however often the event comes. */
  async onLifecycle(events: BroadcastLifecycleV1[]): Promise<void> {
    for (const e of events) {
      if (e.status !== 'ended') continue;
      const job = await this.newJob(e.broadcastId, { kind: 'recording' }, `ended:${e.broadcastId}`, null);
      if (job) this.logger.log(`show ${e.broadcastId} ended: replay job ${job.jobId} queued`);
    }
    void this.worker.poll();
  }

  async request(broadcastId: string, source: ReplaySource, requestedBy: string): Promise<ReplayJobEntity> {
    const active = await this.repo.activeFor(broadcastId);
    if (active) throw ReplayErrors.inProgress(active.jobId);
    const job = (await this.newJob(broadcastId, source, null, requestedBy))!;
    void this.worker.poll();
    return job;
  }

  /** An upload (already on disk, from multer) or a server path under the storage folder. */
  async fromFile(dto: { broadcastId?: string; path?: string }, uploaded: { path: string } | undefined, requestedBy: string): Promise<ReplayJobEntity> {
    const broadcastId = dto.broadcastId ?? randomUUID();
    const root = path.resolve(this.config.ENCODER_STORAGE_DIR);
    let file: string;
    if (uploaded) {
      const dir = path.join(root, 'uploads');
      await mkdir(dir, { recursive: true });
      file = path.join(dir, `${randomUUID()}${path.extname(uploaded.path)}`);
      await rename(uploaded.path, file);
    } else if (dto.path) {
      file = path.resolve(root, dto.path);
      if (!file.startsWith(`${root}${path.sep}`)) throw ReplayErrors.badPath(`must be a file under the encoder storage folder (${this.config.ENCODER_STORAGE_DIR})`);
      const s = await stat(file).catch(() => null);
      if (!s?.isFile()) throw ReplayErrors.badPath('no such file');
    } else {
      throw ReplayErrors.noSource();
    }
    return this.request(broadcastId, { kind: 'file', path: file }, requestedBy);
  }

  async retry(jobId: string): Promise<ReplayJobEntity> {
    const job = await this.repo.job(jobId);
    if (!job) throw CommonErrors.notFound('replay job', 'jobId');
    const retried = await this.repo.retry(jobId);
    if (!retried) throw ReplayErrors.notRetriable(job.status);
    void this.worker.poll();
    return retried;
  }

  async retryLatest(broadcastId: string): Promise<ReplayJobEntity> {
    const job = await this.repo.latestFor(broadcastId);
    if (!job) throw CommonErrors.notFound('replay job', 'id');
    return this.retry(job.jobId);
  }

  async job(jobId: string) {
    const job = await this.repo.job(jobId);
    if (!job) throw CommonErrors.notFound('replay job', 'jobId');
    return this.jobView(job);
  }

  private async jobView(job: ReplayJobEntity) {
    const steps = await this.repo.stepsOf(job.jobId);
    return {
      jobId: job.jobId,
      broadcastId: job.broadcastId,
      status: job.status,
      reason: job.reason,
      warnings: job.warnings,
      progress: job.progress,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      ladder: job.ladder,
      steps: steps.map((s) => ({
        name: s.name,
        dependsOn: s.dependsOn,
        state: s.state,
        attempts: s.attempts,
        progress: s.progress,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        error: s.error,
        logTail: s.logTail,
      })),
    };
  }

  /**
   * `GET /v1/broadcasts/{id}/replay`: the playback URLs of the published replay (if any), its
   * ladder and chapters, and the state of the latest job (which may be re-running it).
   */
  async view(broadcastId: string) {
    const [latest, published] = await Promise.all([this.repo.latestFor(broadcastId), this.repo.latestPublished(broadcastId)]);
    if (!latest) throw CommonErrors.notFound('replay', 'id');
    const live = published && (await this.storage.has(broadcastId));
    const base = `/vod/${broadcastId}`;
    let chapters: unknown[] = [];
    if (live) {
      const f = await this.storage.locate(broadcastId, 'chapters.json');
      if (f) chapters = (JSON.parse(await readFile(f.path, 'utf8')) as { chapters: unknown[] }).chapters;
    }
    const chat = live ? (await this.storage.locate(broadcastId, 'chat/chat.m3u8')) !== null : false;
    return {
      status: live ? 'published' : latest.status,
      hls: live ? `${base}/master.m3u8` : null,
      dash: live ? `${base}/manifest.mpd` : null,
      thumbnails: live ? `${base}/thumbnails.vtt` : null,
      chat: chat ? { hls: `${base}/chat/chat.m3u8`, vtt: `${base}/chat/chat.vtt` } : null,
      chapters: live ? { vtt: `${base}/chapters.vtt`, json: `${base}/chapters.json`, items: chapters } : null,
      ladder: (live ? published!.ladder : latest.ladder) ?? null,
      job: await this.jobView(latest),
    };
  }
}
