import { AppProcess, freePort, http, testEnv, testRedis, tokenFor, waitFor } from '@live/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exited } from './live-stack';

jest.setTimeout(180_000);

// SRT ingest against real ffmpeg (libsrt), Redis, Kafka and Postgres: the stream-key answer
// carries an srt:// URL, a push to it goes through the RTMP pipeline to a master playlist with
// segments, and a wrong passphrase is refused by SRT's handshake (log line, metric, no playlist).
describe('live video: SRT ingest', () => {
  // A Redis phase of this file's own: the encoder opens a listener for every show that may push,
  // and with its one port, a live show left by another file of the run would take it.
  const phase = `${testEnv().redisPhase}-srt`;
  const storage = mkdtempSync(path.join(os.tmpdir(), 'live-srt-'));
  let management: AppProcess;
  let encoder: AppProcess;
  const seller = `seller-${randomUUID()}`;
  const api = () => http(management.url, tokenFor(seller, ['seller']));
  const pushers: ChildProcess[] = [];
  let srtPort = 0;
  let goodShow = '';
  /** not exited (a zombie has exited; its parent has not reaped it yet) */
  const running = (pid: string) => {
    try {
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  };
  /** pids of the ffmpeg SRT listeners on this file's port (from /proc) */
  const listenerPids = () =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`:${srtPort}?mode=listener`);
        } catch {
          return false; // gone meanwhile
        }
      });

  /** testsrc2 + tone, H.264 + AAC in MPEG-TS over SRT (what OBS sends with an srt:// server) */
  const pushSrt = (url: string, seconds = 60) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30,format=yuv420p', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-c:a', 'aac', '-b:a', '64k', '-f', 'mpegts', url];
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'] });
    pushers.push(child);
    return child;
  };
  const metric = async (series: RegExp) => {
    const text = await (await fetch(`${encoder.url}/metrics`)).text();
    const line = text.split('\n').find((l) => series.test(l));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  const newShow = async (title: string) => {
    const show = (await api().post('/v1/broadcasts', { title, scheduledAt: new Date().toISOString() })).body;
    expect((await api().post(`/v1/broadcasts/${show.id}/start`)).status).toBe(200);
    // the encoder opens the show's SRT listener on its next reconcile; the answer names its port.
    // With one port, an ended show's port is free again after the grace (10 s) of SrtPorts.
    const srtUrl = await waitFor('the stream-key answer carries an srt:// URL', async () => (await api().get(`/v1/broadcasts/${show.id}/stream-key`)).body.srtUrl as string | null, { timeoutMs: 40_000, everyMs: 250 });
    return { id: show.id as string, srtUrl };
  };

  beforeAll(async () => {
    const rtmpPort = await freePort();
    srtPort = await freePort();
    const secret = `test-${randomUUID()}`;
    [management, encoder] = await Promise.all([
      AppProcess.start('management-api', { SRT_SECRET: secret, REDIS_PHASE: phase }),
      AppProcess.start('encoder-orchestrator', {
        ENCODER_RTMP_PORT: String(rtmpPort),
        // one port: the show of each test takes it in turn
        ENCODER_SRT_PORTS: `${srtPort}-${srtPort}`,
        ENCODER_SRT_HOST: '127.0.0.1',
        ENCODER_SRT_SECRET: secret,
        REDIS_PHASE: phase,
        ENCODER_SRT_RECONCILE_MS: '500',
        ENCODER_STORAGE_DIR: storage,
        ENCODER_LADDER: '360,240',
        ENCODER_X264_PRESET: 'ultrafast',
        ENCODER_REPLICA_ID: `test-${randomUUID().slice(0, 8)}`,
      }),
    ]);
  });

  afterAll(async () => {
    for (const p of pushers) p.kill('SIGKILL');
    await Promise.all([management, encoder].map((a) => a?.stop()));
    rmSync(storage, { recursive: true, force: true });
    // the run's clean-up only knows its own phase: this file's keys go here
    const redis = testRedis();
    const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
    for (const node of nodes) for await (const found of node.scanStream({ match: `live|${phase}|*`, count: 500 })) for (const k of found as string[]) await node.unlink(k);
    redis.disconnect();
  });

  it('refuses a wrong passphrase in the SRT handshake: log line, metric, no playlist', async () => {
    const show = await newShow('srt wrong passphrase');
    const wrong = show.srtUrl.replace(/passphrase=[^&]+/, 'passphrase=not-the-right-one');
    const pusher = pushSrt(wrong, 10);
    expect(await exited(pusher)).not.toBe(0);
    await waitFor('the refusal logged', () => encoder.output.some((l) => l.includes('ingest refused (wrong_key)') && l.includes(show.id) && l.includes('wrong passphrase')), { timeoutMs: 10_000 });
    expect(await metric(/^encoder_ingest_refused_total\{reason="wrong_key"/)).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${encoder.url}/live/${show.id}/master.m3u8`)).status).toBe(404);
    // end it, so the next show gets the one SRT port
    expect((await api().post(`/v1/broadcasts/${show.id}/end`)).status).toBe(200);
  });

  it('takes a push over SRT into the same ladder and LL-HLS playlists as RTMP', async () => {
    const show = await newShow('srt good');
    goodShow = show.id;
    const pusher = pushSrt(show.srtUrl);
    const master = await waitFor('the master playlist', async () => {
      const res = await fetch(`${encoder.url}/live/${show.id}/master.m3u8`);
      return res.status === 200 ? res.text() : null;
    }, { timeoutMs: 60_000, everyMs: 250 });
    expect(master).toContain('360p');
    const media = await waitFor('3 segments in the 360p playlist', async () => {
      const text = await (await fetch(`${encoder.url}/live/${show.id}/360p/index.m3u8`)).text();
      return text.split('\n').filter((l) => l.endsWith('.ts')).length >= 3 ? text : null;
    }, { timeoutMs: 60_000, everyMs: 250 });
    expect(media).toContain('#EXT-X-PROGRAM-DATE-TIME');
    expect(encoder.output.some((l) => l.includes(`ingest connected: show ${show.id}`))).toBe(true);
    pusher.kill('SIGKILL');
  });

  it('leaves no SRT listener behind when the encoder is SIGKILLed (it would keep the port)', async () => {
    // a fresh show whose listener waits for a caller (the one port freed by ending the last show)
    expect((await api().post(`/v1/broadcasts/${goodShow}/end`)).status).toBe(200);
    await waitFor('the last listener closed', () => listenerPids().filter(running).length === 0, { timeoutMs: 20_000, everyMs: 250 });
    await newShow('srt orphan');
    const [pid] = await waitFor('a listener on the port', () => (listenerPids().length ? listenerPids() : null), { timeoutMs: 20_000, everyMs: 250 });
    encoder.child.kill('SIGKILL');
    await encoder.exited;
    await waitFor('the listener gone with its encoder', () => !running(pid), { timeoutMs: 10_000, everyMs: 100 });
    expect(listenerPids().filter(running)).toEqual([]);
  });
});
