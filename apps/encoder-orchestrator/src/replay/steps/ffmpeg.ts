import { spawnTied, withDeathSignal } from '../../spawn-tied';
import { StepError, classifyToolFailure } from './step-error';

export interface RunOptions {
  /** the whole run may not take longer */
  timeoutMs: number;
  /** no output at all for this long: the tool hangs */
  stallMs: number;
  /** ends the run from outside (shutdown, lost lease) */
  signal?: AbortSignal;
  /** with `-progress pipe:1`: seconds of output written so far */
  onProgress?: (seconds: number) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

const STDERR_KEEP = 64 * 1024;

/**
 * Runs ffmpeg/ffprobe (or any tool) with a wall-clock bound and a stall bound: a tool that
 * stops printing (a hung decoder, a blocked disk) is killed with SIGKILL and the step fails
 * with TOOL_TIMEOUT instead of holding a slot forever.
 */
export function runTool(bin: string, args: string[], o: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let done = false;
    let killedFor: StepError | undefined;
    const kill = (why: StepError) => {
      if (done || killedFor) return;
      killedFor = why;
      child.kill('SIGKILL');
    };
    let stallTimer = setTimeout(() => kill(new StepError('TOOL_TIMEOUT', `${bin} printed nothing for ${o.stallMs} ms (hung)`)), o.stallMs);
    const touch = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => kill(new StepError('TOOL_TIMEOUT', `${bin} printed nothing for ${o.stallMs} ms (hung)`)), o.stallMs);
    };
    const wallTimer = setTimeout(() => kill(new StepError('TOOL_TIMEOUT', `${bin} took longer than ${o.timeoutMs} ms`)), o.timeoutMs);
    const onAbort = () => kill(new StepError('ABORTED', `${bin} stopped: ${String(o.signal?.reason ?? 'aborted')}`));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) onAbort();

    child.stdout!.on('data', (chunk: Buffer) => {
      touch();
      const text = chunk.toString('utf8');
      if (o.onProgress) {
        // -progress pipe:1 prints key=value blocks; out_time_us is the output position
        const matches = [...text.matchAll(/out_time_us=(\d+)/g)];
        const last = matches.at(-1);
        if (last) o.onProgress(Number(last[1]) / 1e6);
      } else {
        stdout += text;
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      touch();
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.on('error', (err) => {
      finish();
      reject(new StepError('TOOL_MISSING', `${bin} cannot start: ${err.message} (install it: node tools/infra/debian-packages.mjs ffmpeg)`, true));
    });
    child.on('close', (code) => {
      finish();
      if (killedFor) return reject(Object.assign(killedFor, { logTail: stderr } as Partial<StepError>));
      if (code === 0) return resolve({ stdout, stderr });
      if (withDeathSignal && /^setpriv: failed to execute/m.test(stderr)) {
        return reject(new StepError('TOOL_MISSING', `${bin} cannot start (install it: node tools/infra/debian-packages.mjs ffmpeg)`, true));
      }
      reject(classifyToolFailure(bin.split('/').pop() ?? bin, stderr));
    });
    function finish() {
      done = true;
      clearTimeout(stallTimer);
      clearTimeout(wallTimer);
      o.signal?.removeEventListener('abort', onAbort);
    }
  });
}
