/** The x264 rate control of a rung: capped VBR around the chosen bitrate. */
export const x264RateArgs = (kbps: number, preset: string) => [
  '-c:v', 'libx264', '-preset', preset, '-profile:v', 'main', '-pix_fmt', 'yuv420p',
  '-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.5)}k`, '-bufsize', `${kbps * 2}k`,
];

/** Keyframes exactly every 4 s in every rung, so all rungs cut into the same 4 s segments. */
export const SEGMENT_SECONDS = 4;
export const gopArgs = (fps: number) => {
  const gop = String(Math.max(1, Math.round(fps * SEGMENT_SECONDS)));
  return ['-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`];
};
