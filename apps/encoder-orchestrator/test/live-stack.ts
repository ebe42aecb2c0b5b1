import { ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, workspaceRoot } from '@live/testing';

const run = promisify(execFile);

/** A small ffmpeg publisher: testsrc2 + a tone, H.264 main + AAC over RTMP, like OBS would. */
export function push(url: string, { size = '640x360', seconds = 120, codec = 'libx264' } = {}): ChildProcess & { log: string[] } {
  // codec 'none': audio only; 'flv': Sorenson H.263 (FLV's own non-H.264 video codec)
  const video = codec === 'none' ? [] : ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30,format=yuv420p`];
  const videoOut = codec === 'none' ? [] : ['-c:v', codec, ...(codec === 'libx264' ? ['-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'main'] : []), '-g', '30'];
  const args = [
    '-hide_banner', '-loglevel', 'error', '-re',
    ...video,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds),
    ...videoOut,
    '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url,
  ];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] }) as ChildProcess & { log: string[] };
  child.log = [];
  child.stderr!.on('data', (d: Buffer) => child.log.push(d.toString()));
  return child;
}

/** The pid of the transcoding ffmpeg a running app spawned for a show (its work dir names the show). */
export function transcoderPid(appPid: number, broadcastId: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== appPid) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.split('\0')[0].endsWith('ffmpeg') && cmd.includes(`/work/${broadcastId}/`)) return Number(entry);
    } catch {
      // gone while we looked
    }
  }
  return undefined;
}

export const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

export async function ffprobeJson(file: string, extra: string[]): Promise<any> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-of', 'json', ...extra, file], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout);
}

/** Serves a page with hls.js (from node_modules) that plays `src` and records metadata cues. */
export async function playerPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const hlsJs = readFileSync(path.join(workspaceRoot, 'node_modules/hls.js/dist/hls.min.js'));
  const html = `<!doctype html><html><body><video id="v" muted autoplay playsinline width="320"></video>
<script src="/hls.js"></script><script>
window.cues = []; window.samples = []; window.errors = [];
const v = document.getElementById('v');
v.textTracks.addEventListener('addtrack', (ev) => {
  const t = ev.track;
  if (t.kind !== 'metadata') return;
  t.mode = 'hidden';
  t.addEventListener('cuechange', () => { for (const c of t.activeCues || []) window.cues.push({ at: Date.now(), info: c.value && c.value.info, data: c.value && c.value.data }); });
});
// every cue of the metadata tracks, with the time it fires at (the player reached it once currentTime passed startTime)
window.metaCues = () => Array.from(v.textTracks).filter((t) => t.kind === 'metadata').flatMap((t) => Array.from(t.cues || []))
  .map((c) => ({ start: c.startTime, info: c.value && c.value.info, data: c.value && c.value.data }));
window.start = (src) => {
  const hls = new Hls();
  hls.on(Hls.Events.FRAG_PARSING_METADATA, (_e, d) => d.samples.forEach((s) => window.samples.push({ at: Date.now(), pts: s.pts })));
  hls.on(Hls.Events.ERROR, (_e, d) => window.errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
  hls.loadSource(src);
  hls.attachMedia(v);
  v.play().catch(() => undefined);
};
</script></body></html>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/hls.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
