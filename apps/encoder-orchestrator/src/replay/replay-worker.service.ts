import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChatMessageRepository } from '@live/chat-data-access';
import { ReplayJobEntity, ReplayJobRepository, ReplayLadder } from '@live/encoder-data-access';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../app.config';
import { VodStorage } from '../vod/vod.storage';
import { REPLAY_STEPS, ReplayStepName, jobProgress } from './replay.dag';
import { ReplayProgressService } from './replay-progress.service';
import { chaptersStep } from './steps/chapters.step';
import { chatStep } from './steps/chat.step';
import { encodeStep } from './steps/encode.step';
import { ladderStep } from './steps/ladder.step';
import { packageStep, publishStep } from './steps/package.step';
import { sourceStep } from './steps/source.step';
import { StepContext, StepRun, Tools } from './steps/step-context';
import { StepError } from './steps/step-error';
import { thumbnailsStep } from './steps/thumbnails.step';

const PROGRESS_EVERY_MS = 1_000;

/** Finds an ffmpeg with libvmaf: the configured one, or the one npm's @ffmpeg-installer/linux-x64 ships. */
export function resolveTools(config: AppConfig): Tools {
  const vmafModel = config.ENCODER_VMAF_MODEL ? path.resolve(config.ENCODER_VMAF_MODEL) : '';
  let vmaf: string | null = config.ENCODER_VMAF_FFMPEG || null;
  if (!vmaf) {
    try {
      vmaf = path.join(path.dirname(createRequire(__filename).resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
    } catch {
      vmaf = null;
    }
  }
  const usable = vmaf && vmafModel && existsSync(vmaf) && existsSync(vmafModel) ? vmaf : null;
  return { ffmpeg: config.ENCODER_FFMPEG, ffprobe: config.ENCODER_FFPROBE, vmafFfmpeg: usable, vmafModel };
}

/**
 * Runs replay jobs from the Postgres queue, at most ENCODER_MAX_CONCURRENT_JOBS at once on this
 * replica. A job is held by a lease renewed while it runs; each step records its state,
 * attempts, progress and log tail, and is retried with backoff until its attempts run out.
 */
@Injectable()
export class ReplayWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReplayWorker.name);
  readonly workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private stopping = false;
  readonly tools: Tools;

  constructor(
    private readonly repo: ReplayJobRepository,
    private readonly chat: ChatMessageRepository,
    private readonly storage: VodStorage,
    private readonly progress: ReplayProgressService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.tools = resolveTools(config);
  }

  async onApplicationBootstrap(): Promise<void> {
    await mkdir(this.config.ENCODER_STORAGE_DIR, { recursive: true });
    this.logger.log(`replay worker ${this.workerId}: ${this.config.ENCODER_MAX_CONCURRENT_JOBS} job(s) at once, quality metric ${this.tools.vmafFfmpeg ? 'VMAF (libvmaf)' : 'SSIM (no libvmaf ffmpeg found)'}`);
    this.timer = setInterval(() => void this.poll(), this.config.ENCODER_JOB_POLL_MS);
    void this.poll();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    for (const r of this.running.values()) r.abort.abort('shutdown');
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Claims queued jobs while a slot is free. Public for tests and the upload path (no wait for the next tick). */
  async poll(): Promise<void> {
    if (this.polling || this.stopping) return;
    this.polling = true;
    try {
      while (!this.stopping && this.running.size < this.config.ENCODER_MAX_CONCURRENT_JOBS) {
        const job = await this.repo.claim(this.workerId, this.config.ENCODER_JOB_LEASE_MS);
        if (!job) break;
        const abort = new AbortController();
        const done = this.run(job, abort).finally(() => {
          this.running.delete(job.jobId);
          void this.poll();
        });
        this.running.set(job.jobId, { abort, done });
      }
    } catch (err) {
      this.logger.warn(`queue poll failed: ${err instanceof Error ? err.message : err}`);
    } finally {
      this.polling = false;
    }
  }

  private async run(job: ReplayJobEntity, abort: AbortController): Promise<void> {
    const { jobId, broadcastId } = job;
    const lease = setInterval(() => {
      this.repo
        .renewLease(jobId, this.workerId, this.config.ENCODER_JOB_LEASE_MS)
        .then((ok) => {
          if (!ok) abort.abort('lease lost');
        })
        .catch(() => undefined);
    }, Math.max(200, Math.floor(this.config.ENCODER_JOB_LEASE_MS / 3)));
    const rows = await this.repo.stepsOf(jobId);
    const outputs: StepContext['outputs'] = {};
    for (const r of rows) if (r.state === 'succeeded' && r.output) outputs[r.name] = r.output;
    const state = rows.map((r) => ({ name: r.name, state: r.state as string, progress: r.progress }));
    const setState = (name: string, s: string, p: number) => {
      const row = state.find((x) => x.name === name);
      if (row) Object.assign(row, { state: s, progress: p });
    };
    const emit = (step: string | null, stepState: 'pending' | 'running' | 'succeeded' | 'failed' | null, stepProgress: number | null, status: 'running' | 'succeeded' | 'failed' | 'queued' = 'running', reason: string | null = null) =>
      this.progress.emit({ jobId, broadcastId, status, step, stepState, stepProgress, progress: status === 'succeeded' ? 100 : jobProgress(state), reason });
    this.logger.log(`job ${jobId} (show ${broadcastId}) started on ${this.workerId}`);
    await emit(null, null, null);
    try {
      for (const def of REPLAY_STEPS) {
        const row = rows.find((r) => r.name === def.name);
        if (!row || row.state === 'succeeded') continue;
        const ok = await this.runStep(job, def.name, outputs, abort.signal, setState, emit);
        if (!ok) return;
        await this.repo.setProgress(jobId, jobProgress(state));
      }
      await this.repo.succeedJob(jobId);
      await emit(null, null, null, 'succeeded');
      this.logger.log(`job ${jobId} (show ${broadcastId}) published`);
    } catch (err) {
      if (abort.signal.aborted) {
        if (abort.signal.reason === 'shutdown') {
          await this.repo.release(jobId, this.workerId).catch(() => undefined);
          this.logger.log(`job ${jobId} handed back to the queue (shutdown)`);
        } else {
          this.logger.warn(`job ${jobId} stopped: ${String(abort.signal.reason)}`);
        }
        return;
      }
      // not a step failure (the database went away...): the lease runs out and the job is taken again
      this.logger.error(`job ${jobId} interrupted: ${err instanceof Error ? err.stack : err}`);
    } finally {
      clearInterval(lease);
    }
  }

  /** Runs one step with its retries; false when the job failed for good. */
  private async runStep(
    job: ReplayJobEntity,
    name: ReplayStepName,
    outputs: StepContext['outputs'],
    signal: AbortSignal,
    setState: (name: string, s: string, p: number) => void,
    emit: (step: string | null, s: 'pending' | 'running' | 'succeeded' | 'failed' | null, p: number | null, status?: 'running' | 'succeeded' | 'failed', reason?: string | null) => Promise<void>,
  ): Promise<boolean> {
    const { jobId } = job;
    for (;;) {
      const attempt = await this.repo.startStep(jobId, name);
      setState(name, 'running', 0);
      await emit(name, 'running', 0);
      let lastReport = 0;
      const warnings: Promise<void>[] = [];
      const ctx: StepContext = {
        job,
        config: this.config,
        tools: this.tools,
        workDir: path.join(this.config.ENCODER_STORAGE_DIR, 'work', 'replay', jobId),
        outputs,
        signal,
        progress: (pct, logTail) => {
          setState(name, 'running', pct);
          const now = Date.now();
          if (now - lastReport < PROGRESS_EVERY_MS) return;
          lastReport = now;
          void this.repo.stepProgress(jobId, name, pct, logTail).catch(() => undefined);
          void emit(name, 'running', Math.round(pct * 10) / 10);
        },
        warn: (w) => {
          warnings.push(this.repo.addWarnings(jobId, [w]));
        },
      };
      try {
        await mkdir(ctx.workDir, { recursive: true });
        const output = await this.stepRunner(name)(ctx);
        await Promise.all(warnings);
        const { log, ...rest } = output as { log?: string };
        await this.repo.finishStep(jobId, name, rest, log);
        if (name === 'ladder') await this.repo.setLadder(jobId, (output as { ladder: ReplayLadder }).ladder);
        outputs[name] = rest;
        setState(name, 'succeeded', 100);
        await emit(name, 'succeeded', 100);
        return true;
      } catch (err) {
        await Promise.all(warnings).catch(() => undefined);
        if (signal.aborted) throw err;
        const se = err instanceof StepError ? err : new StepError(diskFull(err) ? 'DISK_FULL' : 'STEP_FAILED', err instanceof Error ? err.message : String(err));
        const final = se.permanent || attempt >= this.config.ENCODER_STEP_MAX_ATTEMPTS;
        await this.repo.failStep(jobId, name, se.reason, se.logTail, final);
        setState(name, final ? 'failed' : 'pending', 0);
        this.logger.warn(`job ${jobId} step ${name} attempt ${attempt} failed${final ? ' for good' : ''}: ${se.reason}`);
        if (final) {
          const reason = `${name}: ${se.reason}`;
          await this.repo.failJob(jobId, reason);
          await emit(name, 'failed', 0, 'failed', reason);
          return false;
        }
        await emit(name, 'pending', 0, 'running', se.reason);
        await sleep(this.config.ENCODER_STEP_RETRY_BACKOFF_MS * 2 ** (attempt - 1), signal);
      }
    }
  }

  private stepRunner(name: ReplayStepName): StepRun {
    switch (name) {
      case 'source':
        return sourceStep;
      case 'ladder':
        return ladderStep;
      case 'encode':
        return encodeStep;
      case 'thumbnails':
        return thumbnailsStep;
      case 'chat':
        return (ctx) => chatStep(ctx, this.chat);
      case 'chapters':
        return chaptersStep;
      case 'package':
        return packageStep;
      case 'publish':
        return (ctx) => publishStep(ctx, this.storage);
    }
  }
}

const diskFull = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOSPC';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      },
      { once: true },
    );
  });
}
