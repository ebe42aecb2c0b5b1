import { StreamKeyDirectory } from '@live/management-data-access';
import { redisKeys } from '@live/contracts';
import { AppProcess, freePort, http, testEnv, tokenFor, waitFor } from '@live/testing';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { chromium, Browser } from 'playwright-core';
import { findTxxxFrames } from '../src/timed-metadata/id3';
import { id3TagsInTs } from '../src/timed-metadata/id3-stamp';
import { exited, ffprobeJson, playerPage, push } from './live-stack';

jest.setTimeout(240_000);

// The live half of issue 11 end to end, with real ffmpeg, Kafka, Redis, Postgres and Chromium:
// stream key from management-api -> RTMP push -> HLS ladder served by encoder-orchestrator ->
// a pinned product stamped as ID3 and played as a metadata cue -> reconnect -> show end.
describe('live video', () => {
  const env = testEnv();
  const redis = new Redis(env.redisUrl);
  const storage = mkdtempSync(path.join(os.tmpdir(), 'live-encoder-'));
  let management: AppProcess;
  let encoder: AppProcess;
  let rtmpPort: number;
  let browser: Browser | undefined;
  let page: Awaited<ReturnType<typeof playerPage>> | undefined;
  const seller = `seller-${randomUUID()}`;
  const api = () => http(management.url, tokenFor(seller, ['seller']));
  let show: { id: string };
  let streamKey: string;
  let pusher: ReturnType<typeof push> | undefined;

  const rtmp = (key: string) => `rtmp://127.0.0.1:${rtmpPort}/live/${key}`;
  const liveDir = () => path.join(storage, 'live', show.id);
  const playlist = (rung: string) => {
    const file = path.join(liveDir(), rung, 'index.m3u8');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };
  const segmentsOf = (text: string) => text.split('\n').filter((l) => l.endsWith('.ts'));

  beforeAll(async () => {
    rtmpPort = await freePort();
    [management, encoder] = await Promise.all([
      AppProcess.start('management-api'),
      AppProcess.start('encoder-orchestrator', {
        ENCODER_RTMP_PORT: String(rtmpPort),
        ENCODER_STORAGE_DIR: storage,
        // no SRT listeners (their default ports would collide between parallel runs)
        ENCODER_SRT_PORTS: '',
        // small ladder for CI time: a 360p source must drop the 720p rung and keep 360p and 240p
        ENCODER_LADDER: '720,360,240',
        ENCODER_X264_PRESET: 'ultrafast',
        ENCODER_REPLICA_ID: `test-${randomUUID().slice(0, 8)}`,
      }),
    ]);
    show = (await api().post('/v1/broadcasts', { title: 'Live video e2e', scheduledAt: new Date().toISOString() })).body;
    expect((await api().post(`/v1/broadcasts/${show.id}/start`)).status).toBe(200);
  });

  afterAll(async () => {
    pusher?.kill('SIGKILL');
    await browser?.close();
    await page?.close();
    redis.disconnect();
    await Promise.all([management, encoder].map((a) => a?.stop()));
    rmSync(storage, { recursive: true, force: true });
  });

  it('gives the seller a stream key, hides it from others, rotates it', async () => {
    const first = await api().get(`/v1/broadcasts/${show.id}/stream-key`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ingestUrl: expect.stringMatching(/^rtmp:\/\//) });
    expect((await http(management.url, tokenFor(`other-${randomUUID()}`, ['seller'])).get(`/v1/broadcasts/${show.id}/stream-key`)).status).toBe(403);
    expect((await http(management.url, tokenFor('v', ['viewer'])).get(`/v1/broadcasts/${show.id}/stream-key`)).status).toBe(403);

    const rotated = await api().post(`/v1/broadcasts/${show.id}/stream-key/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.streamKey).not.toBe(first.body.streamKey);
    streamKey = rotated.body.streamKey;
    const directory = new StreamKeyDirectory(redis, redisKeys(env.redisPhase));
    await waitFor('the old key refused by the lookup', async () => !(await directory.lookup(first.body.streamKey)).ok);
    // the status is mirrored from management's committed events, as the keys are: it may trail the 200 of start
    const live = { ok: true, broadcastId: show.id, status: 'live' };
    await waitFor('the new key looked up as the live show', async () => isDeepStrictEqual(await directory.lookup(streamKey), live));
    expect(await directory.lookup(streamKey)).toEqual(live);
  });

  it('refuses a push with a wrong key, logs and counts it, serves nothing', async () => {
    const bad = push(rtmp(`wrong-${randomUUID()}`), { seconds: 20 });
    await waitFor('the wrong-key pusher dropped', async () => bad.exitCode !== null || bad.signalCode !== null, { timeoutMs: 30_000 });
    expect(await exited(bad)).not.toBe(0);
    const metrics = await (await fetch(`${encoder.url}/metrics`)).text();
    expect(metrics).toMatch(/encoder_ingest_refused_total\{reason="wrong_key"[^}]*\} [1-9]/);
    expect(encoder.output.some((l) => l.includes('ingest refused (wrong_key)'))).toBe(true);
    expect((await fetch(`${encoder.url}/live/${show.id}/master.m3u8`)).status).toBe(404);
  });

  it('turns an RTMP push into a served HLS ladder with aligned keyframes', async () => {
    pusher = push(rtmp(streamKey));
    await waitFor('4 segments in every rung', () => ['360p', '240p'].every((r) => segmentsOf(playlist(r)).length >= 4), { timeoutMs: 60_000, everyMs: 250 });

    const master = await fetch(`${encoder.url}/live/${show.id}/master.m3u8`);
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toContain('application/vnd.apple.mpegurl');
    expect(master.headers.get('access-control-allow-origin')).toBe('*');
    const masterText = await master.text();
    expect(masterText).toContain('RESOLUTION=640x360');
    expect(masterText).toContain('RESOLUTION=426x240');
    expect(masterText).not.toContain('720p');

    const media = await fetch(`${encoder.url}/live/${show.id}/360p/index.m3u8`);
    expect(media.headers.get('cache-control')).toContain('no-cache');
    const text = await media.text();
    expect(text).toContain('#EXT-X-TARGETDURATION:1');
    const segs = segmentsOf(text);
    expect(text.match(/#EXT-X-PROGRAM-DATE-TIME:/g)).toHaveLength(segs.length);

    const seg = await fetch(`${encoder.url}/live/${show.id}/360p/${segs[segs.length - 1]}`);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/mp2t');
    expect(seg.headers.get('cache-control')).toContain('immutable');

    // the same segment number in both rungs: decodable, the rung's height, and starting on a
    // keyframe at the same PTS (aligned GOPs: a player switches rungs on any boundary)
    const name = segs[segs.length - 2];
    const starts: number[] = [];
    for (const [rung, height] of [['360p', 360], ['240p', 240]] as const) {
      const file = path.join(liveDir(), rung, name);
      const probe = await ffprobeJson(file, ['-show_streams']);
      const video = probe.streams.find((s: any) => s.codec_type === 'video');
      // ultrafast (used here for CI time) has no CABAC: x264 reports it as Constrained Baseline
      expect(video).toMatchObject({ codec_name: 'h264', profile: 'Constrained Baseline', height });
      expect(masterText).toContain('avc1.42e01f');
      expect(probe.streams.some((s: any) => s.codec_type === 'audio' && s.codec_name === 'aac')).toBe(true);
      const frames = await ffprobeJson(file, ['-select_streams', 'v', '-show_entries', 'frame=key_frame,pts', '-read_intervals', '%+#2']);
      expect(frames.frames[0].key_frame).toBe(1);
      starts.push(frames.frames[0].pts);
    }
    expect(starts[0]).toBe(starts[1]);
  });

  it('serves LL-HLS parts, a preload hint and blocking playlist reloads', async () => {
    const rung = `${encoder.url}/live/${show.id}/360p`;
    const text = await (await fetch(`${rung}/index.m3u8`)).text();
    expect(text).toMatch(/#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1\.\d+/);
    expect(text).toMatch(/#EXT-X-PART-INF:PART-TARGET=0\.3\d+/);
    expect(text).toMatch(/#EXT-X-PART:DURATION=0\.3\d+,INDEPENDENT=YES,URI="p\d+\.ts"/);
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p(\d+)\.ts"/.exec(text)?.[1];
    expect(hint).toBeDefined();
    expect(text).not.toContain(`URI="p${hint}.ts",`);
    // the hinted part is the next one: part <open parts> of segment <last listed + 1>
    const lines = text.trim().split('\n');
    const lastSegment = lines.map((l, i) => (l.endsWith('.ts') ? i : -1)).filter((i) => i >= 0).at(-1)!;
    const msn = Number(lines[lastSegment].replace('.ts', '')) + 1;
    const part = lines.slice(lastSegment).filter((l) => l.startsWith('#EXT-X-PART:')).length;
    const blocked = await fetch(`${rung}/index.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`);
    expect(blocked.status).toBe(200);
    expect(await blocked.text()).toContain(`URI="p${hint}.ts"`);
    const partFile = await fetch(`${rung}/p${hint}.ts`);
    expect(partFile.status).toBe(200);
    expect(partFile.headers.get('content-type')).toBe('video/mp2t');
    expect((await partFile.arrayBuffer()).byteLength).toBeGreaterThan(188);
    // a request far past the live edge is a client error, not a hang
    expect((await fetch(`${rung}/index.m3u8?_HLS_msn=${msn + 10}`)).status).toBe(400);
    expect((await fetch(`${rung}/index.m3u8?_HLS_msn=x`)).status).toBe(400);
  });

  it('stamps a pinned product into the segments as ID3 and the player fires it as a metadata cue', async () => {
    page = await playerPage();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    const tab = await browser.newPage();
    await tab.goto(page.url);
    await tab.evaluate(`window.start(${JSON.stringify(`${encoder.url}/live/${show.id}/master.m3u8`)})`);
    await waitFor('the player playing', async () => (await tab.evaluate<number>('document.getElementById("v").currentTime')) > 0.5, { timeoutMs: 30_000 });

    const admin = http(management.url, tokenFor('admin-1', ['admin']));
    const product = (await admin.post('/v1/products', { name: 'Live pin', price: 1000, currency: 'KRW', stock: 5, sellerId: seller })).body;
    expect((await admin.post(`/v1/broadcasts/${show.id}/products`, { productId: product.id })).status).toBe(201);
    expect((await admin.post(`/v1/broadcasts/${show.id}/products/${product.id}/pin`)).status).toBeLessThan(300);

    // in the segment bytes: one ID3v2.4 TXXX "live.overlay" frame with the overlay as JSON
    const tag = await waitFor(
      'the ID3 tag in a 360p segment',
      () => {
        for (const f of readdirSync(path.join(liveDir(), '360p')).filter((n) => n.endsWith('.ts'))) {
          const found = id3TagsInTs(readFileSync(path.join(liveDir(), '360p', f))).flatMap(findTxxxFrames).find((t) => t.description === 'live.overlay' && t.value.includes(product.id));
          if (found) return found;
        }
        return undefined;
      },
      { timeoutMs: 30_000, everyMs: 250 },
    );
    expect(JSON.parse(tag.value)).toMatchObject({ v: 1, broadcastId: show.id, action: 'show', key: 'pin', overlay: { kind: 'product', id: product.id } });

    // the cue hls.js made from the tag, and the playhead reaching its frame
    const cue = await waitFor(
      'the metadata cue in the player, reached by playback',
      async () => {
        const state = await tab.evaluate<{ cues: Array<{ start: number; info: string; data: string }>; t: number; errors: string[]; samples: unknown[] }>(
          '({ cues: window.metaCues(), t: document.getElementById("v").currentTime, errors: window.errors, samples: window.samples })',
        );
        const found = state.cues.find((c) => c.data?.includes(product.id));
        if (found && state.t >= found.start) return found;
        // what the timeout message shows
        throw new Error(JSON.stringify({ ...state, cues: state.cues.map((c) => c.start) }));
      },
      { timeoutMs: 30_000, everyMs: 200 },
    );
    expect(cue.info).toBe('live.overlay');
    expect(JSON.parse(cue.data).overlay.id).toBe(product.id);
    expect((await tab.evaluate<string[]>('window.errors')).filter((e) => e.includes('fatal'))).toEqual([]);

    const metadata = readFileSync(path.join(storage, 'recordings', show.id, 'metadata.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metadata).toEqual(expect.arrayContaining([expect.objectContaining({ overlayId: product.id, action: 'show', kind: 'product' })]));
  });

  it('continues the same playlist after a discontinuity when the encoder comes back within 30 s', async () => {
    const before = segmentsOf(playlist('360p'));
    const lastBefore = Number(before[before.length - 1].replace('.ts', ''));
    pusher!.kill('SIGKILL');
    await exited(pusher!);
    await waitFor('the ingest noticing the drop', () => encoder.output.some((l) => l.includes('ingest disconnected')), { timeoutMs: 15_000 });
    pusher = push(rtmp(streamKey));
    const text = await waitFor(
      'segments after a discontinuity',
      () => {
        const t = playlist('360p');
        const after = t.split('#EXT-X-DISCONTINUITY\n')[1];
        return after && segmentsOf(after).length >= 2 ? t : undefined;
      },
      { timeoutMs: 60_000, everyMs: 250 },
    );
    const numbers = segmentsOf(text).map((s) => Number(s.replace('.ts', '')));
    // one media sequence for the whole show: no restart from 0, no gaps
    expect(numbers[numbers.length - 1]).toBeGreaterThan(lastBefore);
    numbers.forEach((n, i) => i > 0 && expect(n).toBe(numbers[i - 1] + 1));
    const manifest = JSON.parse(readFileSync(path.join(storage, 'recordings', show.id, 'manifest.json'), 'utf8'));
    expect(manifest.parts.map((p: { file: string }) => p.file)).toEqual(['part-000.ts', 'part-001.ts']);
  });

  it('stops the pipeline at show end and completes the recording for replay', async () => {
    expect((await api().post(`/v1/broadcasts/${show.id}/end`)).status).toBe(200);
    await waitFor('ENDLIST', () => playlist('360p').includes('#EXT-X-ENDLIST') && playlist('240p').includes('#EXT-X-ENDLIST'), { timeoutMs: 30_000 });
    const manifest = JSON.parse(readFileSync(path.join(storage, 'recordings', show.id, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ broadcastId: show.id, complete: true });
    expect(manifest.parts.every((p: { endedAt: string | null }) => p.endedAt)).toBe(true);
    const part = await ffprobeJson(path.join(storage, 'recordings', show.id, 'part-000.ts'), ['-show_streams']);
    expect(part.streams.map((s: any) => s.codec_name)).toEqual(expect.arrayContaining(['h264', 'aac']));
    await waitFor('the pusher dropped', () => pusher!.exitCode !== null || pusher!.signalCode !== null, { timeoutMs: 15_000 });
  });
});
