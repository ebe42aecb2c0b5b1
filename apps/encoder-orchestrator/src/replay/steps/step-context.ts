import type { ReplayJobEntity } from '@live/encoder-data-access';
import type { AppConfig } from '../../app.config';
import { RunOptions, RunResult, runTool } from './ffmpeg';

export interface Tools {
  ffmpeg: string;
  ffprobe: string;
  /** an ffmpeg with libvmaf, or null: SSIM then */
  vmafFfmpeg: string | null;
  vmafModel: string;
}

/** What a step gets: its job, its folders, the tools, and ways to report. */
export interface StepContext {
  job: ReplayJobEntity;
  config: AppConfig;
  tools: Tools;
  /** `<storage>/work/replay/<jobId>`: intermediate files, kept until the job is published */
  workDir: string;
  /** outputs of the steps already done, by step name */
  outputs: Record<string, Record<string, unknown>>;
  signal: AbortSignal;
  progress(percent: number, logTail?: string): void;
  warn(warning: string): void;
}

/** A tool run bound to the step: timeouts from config, abort on shutdown. */
export function tool(ctx: StepContext, bin: string, args: string[], onProgress?: (sec: number) => void): Promise<RunResult> {
  const o: RunOptions = { timeoutMs: ctx.config.ENCODER_STEP_TIMEOUT_MS, stallMs: ctx.config.ENCODER_STEP_STALL_MS, signal: ctx.signal, onProgress };
  return runTool(bin, ['-hide_banner', '-nostdin', '-y', ...args], o);
}

export function probeTool(ctx: StepContext, args: string[]): Promise<RunResult> {
  return runTool(ctx.tools.ffprobe, ['-v', 'error', ...args], { timeoutMs: 120_000, stallMs: 120_000, signal: ctx.signal });
}

export type StepRun = (ctx: StepContext) => Promise<Record<string, unknown>>;
