import { runTool } from './ffmpeg';
import { classifyToolFailure } from './step-error';

describe('runTool', () => {
  it('kills a tool that hangs (prints nothing) and fails with TOOL_TIMEOUT', async () => {
    await expect(runTool(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 30_000, stallMs: 300 })).rejects.toMatchObject({
      code: 'TOOL_TIMEOUT',
      permanent: false,
    });
  });

  it('bounds the whole run even while the tool keeps printing', async () => {
    const chatty = 'setInterval(() => console.error("frame"), 20)';
    await expect(runTool(process.execPath, ['-e', chatty], { timeoutMs: 400, stallMs: 10_000 })).rejects.toMatchObject({ code: 'TOOL_TIMEOUT' });
  });

  it('stops when aborted, and reports progress from -progress output', async () => {
    const seen: number[] = [];
    const ok = await runTool(process.execPath, ['-e', 'console.log("out_time_us=2500000")'], { timeoutMs: 5_000, stallMs: 5_000, onProgress: (s) => seen.push(s) });
    expect(ok.stderr).toBe('');
    expect(seen).toEqual([2.5]);
    const abort = new AbortController();
    const run = runTool(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 30_000, stallMs: 30_000, signal: abort.signal });
    abort.abort('shutdown');
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('names a missing tool and classifies disk-full and unreadable input', async () => {
    await expect(runTool('/nonexistent/ffmpeg', [], { timeoutMs: 1_000, stallMs: 1_000 })).rejects.toMatchObject({ code: 'TOOL_MISSING', permanent: true });
    expect(classifyToolFailure('ffmpeg', 'av_interleaved_write_frame(): No space left on device')).toMatchObject({ code: 'DISK_FULL', permanent: false });
    expect(classifyToolFailure('ffmpeg', 'part-000.ts: Invalid data found when processing input')).toMatchObject({ code: 'CORRUPT_RECORDING', permanent: true });
  });
});
