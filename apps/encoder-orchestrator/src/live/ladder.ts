import { Rung } from './hls-playlist';

/** The ladder rungs this build offers, highest first (H.264 main + AAC). */
export const LADDER: Rung[] = [
  { name: '720p', width: 1280, height: 720, videoKbps: 2500, audioKbps: 128 },
  { name: '480p', width: 854, height: 480, videoKbps: 1200, audioKbps: 96 },
  { name: '360p', width: 640, height: 360, videoKbps: 700, audioKbps: 96 },
];

/**
 * The rungs for a source: every configured rung at or under the source height (no upscaling),
 * widths following the source aspect ratio (even); a source under the lowest rung gets one
 * rung at its own size.
 */
export function ladderFor(source: { width: number; height: number }, heights: number[]): Rung[] {
  const aspect = source.width > 0 && source.height > 0 ? source.width / source.height : 16 / 9;
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  // heights outside the table (small test ladders) get a bitrate by pixel count
  const wanted = [...heights]
    .sort((a, b) => b - a)
    .map((h) => LADDER.find((r) => r.height === h) ?? { name: `${h}p`, width: 0, height: h, videoKbps: Math.max(150, Math.round((h * h * 16) / 9 / 330)), audioKbps: 64 });
  const fit = wanted.filter((r) => r.height <= source.height);
  const rungs = fit.length ? fit : [{ ...wanted[wanted.length - 1], height: even(source.height || 360), name: `${even(source.height || 360)}p` }];
  return rungs.map((r) => ({ ...r, width: even(r.height * aspect) }));
}

export interface FfmpegPlan {
  rungs: Rung[];
  /** private dir of this session's rung playlists: `<workDir>/<rung>/index.m3u8` */
  workDir: string;
  /** the recording part this session writes (source copy) */
  recordingFile: string;
  fps: number;
  gopSeconds: number;
  segmentSeconds: number;
  /** ffmpeg cuts each segment into this many chunks (LL-HLS parts); 1 = whole segments */
  partsPerSegment?: number;
  preset: string;
}

/**
 * ffmpeg arguments: FLV on stdin -> one H.264 main + AAC TS/HLS output per rung (keyframes
 * forced on the same 1 s grid in every rung, so segments align across rungs) plus a stream
 * copy of the source into the recording part. Progress goes to fd 3.
 */
export function ffmpegArgs(plan: FfmpegPlan): string[] {
  const parts = Math.max(1, plan.partsPerSegment ?? 1);
  // parts: chunks cut by time (split_by_time), not only on keyframes; the keyframes stay on the
  // 1 s grid, so every `parts`-th chunk starts with one (microsecond precision keeps the grids
  // together for hours)
  const chunk = parts > 1 ? (plan.segmentSeconds / parts).toFixed(6) : String(plan.segmentSeconds);
  const flags = `program_date_time+temp_file+independent_segments+delete_segments${parts > 1 ? '+split_by_time' : ''}`;
  const gop = Math.max(1, Math.round(plan.fps * plan.gopSeconds));
  const n = plan.rungs.length;
  const split = n > 1 ? `[0:v]fps=${plan.fps},split=${n}${plan.rungs.map((_, i) => `[s${i}]`).join('')};` : `[0:v]fps=${plan.fps}[s0];`;
  const scales = plan.rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}:flags=bilinear,format=yuv420p[v${i}]`).join(';');
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'info', '-nostats',
    '-progress', 'pipe:3', '-stats_period', '1',
    '-fflags', '+nobuffer+genpts', '-probesize', '1000000', '-analyzeduration', '1000000',
    '-f', 'flv', '-i', 'pipe:0',
    '-filter_complex', split + scales,
  ];
  plan.rungs.forEach((r, i) => {
    args.push(
      '-map', `[v${i}]`,
      '-map', '0:a:0?',
      '-c:v', 'libx264', '-preset', plan.preset, '-tune', 'zerolatency', '-profile:v', 'main',
      '-b:v', `${r.videoKbps}k`, '-maxrate', `${Math.round(r.videoKbps * 1.2)}k`, '-bufsize', `${r.videoKbps}k`,
      '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
      '-force_key_frames', `expr:gte(t,n_forced*${plan.gopSeconds})`,
      '-c:a', 'aac', '-b:a', `${r.audioKbps}k`, '-ac', '2', '-ar', '48000',
      '-f', 'hls', '-hls_time', chunk, '-hls_list_size', String(30 * parts),
      '-hls_flags', flags,
      '-hls_segment_filename', `${plan.workDir}/${r.name}/%d.ts`,
      `${plan.workDir}/${r.name}/index.m3u8`,
    );
  });
  args.push('-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'mpegts', plan.recordingFile);
  return args;
}
