import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Topics } from '@live/contracts';
import { AppProcess, http, recordJson, testEnv, tokenFor, waitFor, workspaceRoot } from '@live/testing';
import { XMLParser } from 'fast-xml-parser';
import { Kafka, Producer, logLevel } from 'kafkajs';
import pg from 'pg';
import { ffprobeJson, makeRecording, makeTsPart } from './recording-fixture';

const run = promisify(execFile);

// The replay pipeline on real ffmpeg/ffprobe, Postgres, Kafka and Chromium: a generated
// recording of two ingest sessions becomes a published replay (ladder, CMAF for HLS+DASH,
// chat and chapter tracks, seek sprites); a SIGKILL mid-encode resumes; bad input fails
// with a reason and publishes nothing; retry resumes from the failed step.
describe('replay pipeline', () => {
  const env = testEnv();
  const operator = tokenFor('op-1', ['operator']);
  const viewer = tokenFor('viewer-1', ['viewer']);
  let storage: string;
  let app: AppProcess;
  let producer: Producer;
  let db: pg.Client;
  const appEnv = () => ({
    ENCODER_STORAGE_DIR: storage,
    // no SRT listeners (their default ports would collide between parallel runs)
    ENCODER_SRT_PORTS: '',
    ENCODER_JOB_LEASE_MS: '3000',
    ENCODER_JOB_POLL_MS: '300',
    ENCODER_STEP_RETRY_BACKOFF_MS: '200',
  });

  beforeAll(async () => {
    storage = await mkdtemp(path.join(os.tmpdir(), 'replay-test-'));
    producer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    db = new pg.Client({ connectionString: env.databaseUrl });
    [app] = await Promise.all([AppProcess.start('encoder-orchestrator', appEnv()), producer.connect(), db.connect()]);
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await app?.stop();
    await rm(storage, { recursive: true, force: true });
  });

  const api = (token?: string) => http(app.url, token);
  const replayOf = async (id: string) => (await api().get(`/v1/broadcasts/${id}/replay`)).body;
  const published = async (id: string, timeoutMs = 300_000) => {
    const r = await waitFor(`replay of ${id} published`, async () => {
      const x = await replayOf(id);
      return x?.status === 'published' || x?.job?.status === 'failed' ? x : null;
    }, { timeoutMs, everyMs: 500 });
    if (r.status !== 'published') throw new Error(`job failed: ${r.job.reason}`);
    return r;
  };
  const chatRow = (broadcastId: string, text: string, at: number, o: { shown?: boolean; deleted?: boolean } = {}) =>
    db.query(
      `INSERT INTO chat.messages (message_id, broadcast_id, user_id, user_name, roles, text, client_message_id, accepted_at, shown, deleted_at)
       VALUES ($1, $2, 'u1', 'Kim', '{viewer}', $3, $4, $5, $6, $7)`,
      [randomUUID(), broadcastId, text, randomUUID(), new Date(at), o.shown ?? true, o.deleted ? new Date() : null],
    );
  const vodFile = (id: string, f: string) => path.join(storage, 'vod', id, f);

  describe('an ended show with chat and overlays', () => {
    const show = randomUUID();
    const t0 = Date.now() - 120_000;
    let replay: any;

    beforeAll(async () => {
      const overlay = (at: number, key: string, kind: string, id: string, data: Record<string, unknown>, action = 'show') => ({
        at: new Date(at).toISOString(),
        overlayId: key,
        action,
        kind,
        payload: action === 'show' ? { key, kind, id, data, expiresAt: null, shownAt: new Date(at).toISOString() } : null,
      });
      // part 0: 8 s from t0; 3 s with no video; part 1: 8 s from t0 + 11 s
      await makeRecording(storage, show, {
        t0,
        parts: [{ seconds: 8, gapAfterSec: 3 }, { seconds: 8 }],
        metadata: [
          overlay(t0 + 1_000, 'pin', 'product', 'prod-1', { name: 'Red Bag' }),
          overlay(t0 + 12_000, 'coupon:c9', 'coupon', 'coupon-9', { code: 'SALE10' }),
          overlay(t0 + 14_000, 'poll:p1', 'poll', 'poll-1', { question: 'Which colour?' }),
          overlay(t0 + 15_000, 'poll:p1', 'poll', 'poll-1', {}, 'hide'),
        ],
      });
      await chatRow(show, 'hello-a', t0 + 2_000);
      await chatRow(show, 'second-part-b', t0 + 12_500);
      await chatRow(show, 'suppressed-c', t0 + 4_000, { shown: false });
      await chatRow(show, 'deleted-d', t0 + 5_000, { deleted: true });
      await chatRow(show, 'in-the-gap-e', t0 + 9_500);
      const ended = { eventId: randomUUID(), occurredAt: new Date().toISOString(), broadcastId: show, sellerId: 's1', status: 'ended', at: new Date().toISOString() };
      // twice: the consumer must make one job of it
      for (let i = 0; i < 2; i++) {
        await producer.send({ topic: `${env.topicPrefix}${Topics.BroadcastLifecycle}`, messages: [{ key: show, value: JSON.stringify(ended) }] });
      }
      replay = await published(show);
    }, 400_000);

    it('runs every step once and publishes HLS, DASH, thumbnails, chat and chapters', async () => {
      expect(replay.job.status).toBe('succeeded');
      expect(replay.job.steps.map((s: any) => [s.name, s.state])).toEqual(
        ['source', 'ladder', 'encode', 'thumbnails', 'chat', 'chapters', 'package', 'publish'].map((n) => [n, 'succeeded']),
      );
      expect(replay.hls).toBe(`/vod/${show}/master.m3u8`);
      expect(replay.dash).toBe(`/vod/${show}/manifest.mpd`);
      const jobs = await db.query(`SELECT count(*)::int AS n FROM encoder.replay_jobs WHERE broadcast_id = $1`, [show]);
      expect(jobs.rows[0].n).toBe(1);
    });

    it('chooses a rung per height up to the source, each with scores, and encodes it in its band', async () => {
      const { ladder } = replay;
      expect(['vmaf', 'ssim']).toContain(ladder.metric);
      expect(ladder.rungs.map((r: any) => `${r.width}x${r.height}`)).toEqual(['640x360', '854x480']);
      for (const [i, r] of ladder.rungs.entries()) {
        expect(r.probes.length).toBeGreaterThan(0);
        expect(r.score).toBeGreaterThan(0);
        if (!r.belowTarget) expect(r.score).toBeGreaterThanOrEqual(ladder.target);
        // the rung as a player gets it: init segment + media segments
        const files = (await readdir(path.join(storage, 'vod', show))).filter((f) => f.startsWith(`chunk-${i}-`)).sort();
        const joined = path.join(storage, `rung-${i}.mp4`);
        const parts = await Promise.all([vodFile(show, `init-${i}.m4s`), ...files.map((f) => vodFile(show, f))].map((f) => readFile(f)));
        await writeFile(joined, Buffer.concat(parts));
        const p = await ffprobeJson(joined, 'stream=width,height,codec_name:format=duration,size');
        expect(p.streams[0]).toMatchObject({ codec_name: 'h264', width: r.width, height: r.height });
        const kbps = (Number(p.format.size) * 8) / Number(p.format.duration) / 1000;
        expect(kbps).toBeGreaterThan(r.videoKbps * 0.4);
        expect(kbps).toBeLessThan(r.videoKbps * 1.6);
      }
    });

    it('cuts 4 s segments on aligned keyframes and lists every rung and the chat in the master', async () => {
      const master = await readFile(vodFile(show, 'master.m3u8'), 'utf8');
      expect(master).toContain('RESOLUTION=640x360');
      expect(master).toContain('RESOLUTION=854x480');
      expect(master).toMatch(/#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="chat".*URI="chat\/chat.m3u8"/);
      expect(master.match(/SUBTITLES="chat"/g)).toHaveLength(2);
      for (const i of [0, 1, 2]) {
        const media = await readFile(vodFile(show, `media_${i}.m3u8`), 'utf8');
        const durations = [...media.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
        expect(durations.length).toBeGreaterThanOrEqual(4);
        // video cuts at exactly 4 s; audio at the AAC frame (21.3 ms) nearest to it
        for (const d of durations.slice(0, -1)) expect(Math.abs(d - 4)).toBeLessThan(0.1);
        expect(durations.at(-1)).toBeLessThanOrEqual(4.1);
        expect(durations.reduce((a, b) => a + b, 0)).toBeCloseTo(16, 0);
        // PROGRAM-DATE-TIME is the recording's wall clock
        expect(media).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(t0).toISOString()}`);
      }
      // every video segment of every rung starts on a keyframe
      for (const i of [0, 1]) {
        const chunks = (await readdir(path.join(storage, 'vod', show))).filter((f) => f.startsWith(`chunk-${i}-`));
        for (const c of chunks) {
          const joined = path.join(storage, `seg-${i}.mp4`);
          await writeFile(joined, Buffer.concat([await readFile(vodFile(show, `init-${i}.m4s`)), await readFile(vodFile(show, c))]));
          const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame', '-read_intervals', '%+#1', '-of', 'csv=p=0', joined]);
          expect(stdout.trim().split('\n')[0].split(',')[0]).toBe('1');
        }
      }
    });

    it('writes a parseable MPD over the same segments, with the chat as a text adaptation set', async () => {
      const xml = await readFile(vodFile(show, 'manifest.mpd'), 'utf8');
      const mpd = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml).MPD;
      expect(mpd.type).toBe('static');
      const sets = [].concat(mpd.Period.AdaptationSet);
      expect(sets.map((s: any) => s.contentType)).toEqual(['video', 'audio', 'text']);
      expect([].concat((sets[0] as any).Representation).map((r: any) => `${r.width}x${r.height}`)).toEqual(['640x360', '854x480']);
      expect((sets[0] as any).Representation[0].SegmentTemplate.duration).toBe('4000000');
      expect((sets[2] as any).Representation.BaseURL).toBe('chat/chat.vtt');
    });

    it('replays the shown chat lines at their moment in the video, without suppressed, deleted or off-air lines', async () => {
      const vtt = (await api().get(`/vod/${show}/chat/chat.vtt`)).body as string;
      expect(vtt.startsWith('WEBVTT')).toBe(true);
      expect(vtt).toMatch(/00:00:02\.000 --> 00:00:07\.000\n<v Kim>hello-a/);
      // part 1 starts 8 s into the video; the line came 1.5 s into it
      const b = /(\d\d):(\d\d):(\d\d\.\d+) --> .*\n<v Kim>second-part-b/.exec(vtt);
      expect(b).not.toBeNull();
      expect(Number(b![3])).toBeGreaterThan(9.3);
      expect(Number(b![3])).toBeLessThan(9.8);
      for (const gone of ['suppressed-c', 'deleted-d', 'in-the-gap-e']) expect(vtt).not.toContain(gone);
      const playlist = await readFile(vodFile(show, 'chat/chat.m3u8'), 'utf8');
      expect(playlist).toContain('#EXT-X-ENDLIST');
      expect(await readFile(vodFile(show, 'chat/chat-00000.vtt'), 'utf8')).toContain('hello-a');
      expect(await readFile(vodFile(show, 'chat/chat-00002.vtt'), 'utf8')).toContain('second-part-b');
    });

    it('makes chapters of the pin, the coupon and the poll, with their ids', async () => {
      const items = replay.chapters.items;
      expect(items.map((c: any) => [c.kind, c.refId])).toEqual([
        ['product', 'prod-1'],
        ['coupon', 'coupon-9'],
        ['poll', 'poll-1'],
      ]);
      expect(items[0].start).toBeCloseTo(1, 1);
      expect(items[0].title).toBe('Product: Red Bag');
      expect(items[1].start).toBeGreaterThan(8.8);
      expect(items[2].end - items[2].start).toBeCloseTo(1, 1);
      const vtt = (await api().get(`/vod/${show}/chapters.vtt`)).body as string;
      expect(vtt).toContain('product-1\n00:00:01.000');
    });

    it('points every seek thumbnail into its sprite', async () => {
      const vtt = await readFile(vodFile(show, 'thumbnails.vtt'), 'utf8');
      const refs = [...vtt.matchAll(/(thumbnails\/sprite-\d+\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)/g)];
      expect(refs.length).toBeGreaterThanOrEqual(7);
      for (const [, file, x, y, w, h] of refs) {
        const img = await ffprobeJson(vodFile(show, file), 'stream=width,height');
        expect(Number(x) + Number(w)).toBeLessThanOrEqual(img.streams[0].width);
        expect(Number(y) + Number(h)).toBeLessThanOrEqual(img.streams[0].height);
      }
    });

    it('reported the job and its steps on encoder.replay.progress.v1', async () => {
      const consumer = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `${env.topicPrefix}replay-test-${randomUUID()}` });
      const seen: any[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: `${env.topicPrefix}${Topics.EncoderReplayProgress}`, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => {
          const e = recordJson<(typeof seen)[number]>(message.value);
          if (e) seen.push(e);
        } });
        const mine = () => seen.filter((e) => e.jobId === replay.job.jobId);
        await waitFor('the succeeded event', () => mine().some((e) => e.status === 'succeeded'), { timeoutMs: 30_000 });
        const steps = new Set(mine().filter((e) => e.stepState === 'succeeded').map((e) => e.step));
        expect([...steps].sort()).toEqual(['chapters', 'chat', 'encode', 'ladder', 'package', 'publish', 'source', 'thumbnails']);
        expect(mine().every((e) => e.broadcastId === show && e.progress >= 0 && e.progress <= 100)).toBe(true);
      } finally {
        await consumer.disconnect();
      }
    });

    it('serves /vod with content types and CORS', async () => {
      const res = await fetch(`${app.url}/vod/${show}/master.m3u8`);
      expect(res.headers.get('content-type')).toContain('application/vnd.apple.mpegurl');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect((await fetch(`${app.url}/vod/${show}/manifest.mpd`)).headers.get('content-type')).toContain('application/dash+xml');
      expect((await fetch(`${app.url}/vod/${show}/../../etc/passwd`)).status).toBe(404);
    });

    it('plays in Chromium with hls.js and shows the chat subtitles', async () => {
      const { chromium } = await import('playwright-core');
      const after: (() => Promise<void>)[] = [];
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--autoplay-policy=no-user-gesture-required', '--no-sandbox'] });
      try {
        const page = await browser.newPage();
        const hlsJs = await readFile(path.join(workspaceRoot, 'node_modules/hls.js/dist/hls.min.js'), 'utf8');
        // a viewer page served from another local port: cross-origin, so the replay comes
        // over CORS (a page from a non-local origin may not reach 127.0.0.1 in Chromium)
        const pageServer = createServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end(`<html><body><video id="v" muted playsinline></video><script>${hlsJs}</script></body></html>`);
        });
        await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
        after.push(() => new Promise<void>((resolve) => (pageServer.closeAllConnections(), pageServer.close(() => resolve()))));
        await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/player.html`);
        // browser-side code as strings: this file is compiled without the DOM types
        const src = `${app.url}/vod/${show}/master.m3u8`;
        await page.evaluate(`(() => {
          const video = document.getElementById('v');
          window.__errors = [];
          const hls = new Hls({ subtitleDisplay: true });
          hls.on(Hls.Events.ERROR, (_e, d) => window.__errors.push(d.details));
          hls.loadSource(${JSON.stringify(src)});
          hls.attachMedia(video);
          hls.on(Hls.Events.MANIFEST_PARSED, () => void video.play());
        })()`);
        const state: any = await waitFor('video playing with the chat track', async () => {
          const st: any = await page.evaluate(`(() => {
            const video = document.getElementById('v');
            const track = [...video.textTracks].find((t) => t.kind === 'subtitles' || t.kind === 'captions');
            const cues = track && track.cues ? [...track.cues].map((c) => c.text) : [];
            return { t: video.currentTime, ready: video.readyState, mode: track && track.mode, label: track && track.label, cues, tracks: video.textTracks.length, errors: window.__errors };
          })()`);
          // returned whole on a timeout: says which part is missing
          if (st.t > 2.5 && st.mode === 'showing' && st.cues.some((c: string) => c.includes('hello-a'))) return st;
          throw new Error(JSON.stringify(st));
        }, { timeoutMs: 60_000, everyMs: 250 });
        expect(state.label).toBe('Chat');
      } finally {
        await browser.close();
        for (const f of after) await f();
      }
    }, 90_000);
  });

  it('resumes the encode step after a SIGKILL mid-encode, with no duplicate outputs', async () => {
    const show = randomUUID();
    await makeRecording(storage, show, { t0: Date.now() - 60_000, parts: [{ seconds: 16 }] });
    const started = await api(operator).post(`/v1/broadcasts/${show}/replay`);
    expect(started.status).toBe(202);
    const jobId = started.body.jobId;
    await waitFor('encode running', async () => {
      const job = (await api(operator).get(`/v1/replays/${jobId}`)).body;
      const encode = job.steps.find((s: any) => s.name === 'encode');
      return encode.state === 'running' && encode.progress > 0;
    }, { timeoutMs: 240_000, everyMs: 100 });
    app.child.kill('SIGKILL');
    await app.exited;
    // the encoder the dead app started dies with it (no orphan writing on)
    await waitFor('no ffmpeg of the killed app left', async () => {
      const { stdout } = await run('ps', ['-eo', 'args']);
      return !stdout.includes(path.join(storage, 'work', 'replay', jobId));
    }, { timeoutMs: 10_000 });
    app = await AppProcess.start('encoder-orchestrator', appEnv());
    const replay = await published(show);
    const encode = replay.job.steps.find((s: any) => s.name === 'encode');
    expect(encode).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(replay.job.steps.find((s: any) => s.name === 'ladder').attempts).toBe(1);
    const files = await readdir(path.join(storage, 'vod', show));
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
    // each rendition holds exactly the segments its playlist names: none twice, none left over
    for (const i of [0, 1, 2]) {
      const media = await readFile(vodFile(show, `media_${i}.m3u8`), 'utf8');
      const named = media.split('\n').filter((l) => l.startsWith('chunk-')).sort();
      expect(named.length).toBeGreaterThanOrEqual(4);
      expect(files.filter((f) => f.startsWith(`chunk-${i}-`)).sort()).toEqual(named);
    }
    // the job's work folder is gone once published; nothing half-written anywhere
    const { stdout } = await run('find', [storage, '-name', '*.tmp*']);
    expect(stdout.trim()).toBe('');
  }, 400_000);

  it('fails a corrupt recording with the reason, publishes nothing, and resumes from the failed step on retry', async () => {
    const show = randomUUID();
    const dir = path.join(storage, 'recordings', show);
    await makeRecording(storage, show, { t0: Date.now() - 60_000, parts: [{ seconds: 1 }] });
    await writeFile(path.join(dir, 'part-000.ts'), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)));
    const started = await api(operator).post(`/v1/broadcasts/${show}/replay`);
    const failed = await waitFor('job failed', async () => {
      const r = await replayOf(show);
      return r.job.status === 'failed' ? r : null;
    }, { timeoutMs: 60_000 });
    expect(failed.job.reason).toMatch(/^source: CORRUPT_RECORDING/);
    expect(failed.hls).toBeNull();
    expect(failed.status).toBe('failed');
    expect((await fetch(`${app.url}/vod/${show}/master.m3u8`)).status).toBe(404);

    // the recording repaired (video only, small, and nobody chatted): retry picks up at source
    await makeTsPart(path.join(dir, 'part-000.ts'), 6, '320x180', false);
    const retried = await api(operator).post(`/v1/replays/${started.body.jobId}/retry`);
    expect(retried.status).toBe(202);
    const replay = await published(show);
    expect(replay.job.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^NO_AUDIO/), expect.stringMatching(/^NO_CHAT/)]));
    expect(replay.ladder.rungs.map((r: any) => r.height)).toEqual([180]);
    expect(replay.chat).toBeNull();
    const master = await readFile(vodFile(show, 'master.m3u8'), 'utf8');
    expect(master).not.toContain('TYPE=SUBTITLES');
    expect(master).not.toContain('TYPE=AUDIO');
    expect((await api(operator).post(`/v1/replays/${started.body.jobId}/retry`)).body.code).toBe('JOB_NOT_FAILED');
  }, 300_000);

  it('makes a replay of an uploaded file (multipart) and of a file on the server', async () => {
    const file = path.join(storage, 'clip.ts');
    await makeTsPart(file, 5, '320x180', true);
    const form = new FormData();
    form.append('broadcastId', `upload-${randomUUID().slice(0, 8)}`);
    form.append('file', new Blob([await readFile(file)]), 'clip.ts');
    const res = await fetch(`${app.url}/v1/replays`, { method: 'POST', headers: { authorization: `Bearer ${operator}` }, body: form });
    expect(res.status).toBe(202);
    const job: any = await res.json();
    const uploaded = await published(job.broadcastId);
    expect(uploaded.ladder.rungs.map((r: any) => r.height)).toEqual([180]);
    expect(uploaded.chat).toBeNull();
    const byPath = await api(operator).post('/v1/replays', { path: 'clip.ts' });
    expect(byPath.status).toBe(202);
    expect(byPath.body.steps.map((s: any) => s.state)).toContain('pending');
    await published(byPath.body.broadcastId);
  }, 120_000);

  it('fails a zero-length show with a clear reason', async () => {
    const show = randomUUID();
    const dir = path.join(storage, 'recordings', show);
    await makeRecording(storage, show, { t0: Date.now() - 60_000, parts: [{ seconds: 1 }] });
    await writeFile(path.join(dir, 'part-000.ts'), '');
    await api(operator).post(`/v1/broadcasts/${show}/replay`);
    const r = await waitFor('job failed', async () => {
      const x = await replayOf(show);
      return x.job.status === 'failed' ? x : null;
    }, { timeoutMs: 60_000 });
    expect(r.job.reason).toMatch(/EMPTY_RECORDING/);
    expect(r.job.steps.find((s: any) => s.name === 'source')).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it('answers bad requests with 4xx and a code', async () => {
    expect((await api(viewer).post(`/v1/broadcasts/${randomUUID()}/replay`)).status).toBe(403);
    expect((await api().post(`/v1/broadcasts/${randomUUID()}/replay`)).status).toBe(401);
    const none = await api(operator).post('/v1/replays', {});
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('VALIDATION_FAILED');
    const outside = await api(operator).post('/v1/replays', { path: '/etc/passwd' });
    expect(outside.status).toBe(400);
    expect(outside.body.field).toBe('path');
    expect((await api().get(`/v1/broadcasts/${randomUUID()}/replay`)).status).toBe(404);
    expect((await api(operator).post(`/v1/replays/${randomUUID()}/retry`)).status).toBe(404);
  });
});
