import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { StreamKeyDirectory, srtPassphrase } from '@live/management-data-access';
import { RedisService } from '@live/redis';
import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../spawn-tied';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../app.config';
import { LiveService } from '../live/live.service';
import { SrtPorts } from './srt-ports';

type Listener = { broadcastId: string; keyHash: string; port: number; child: ChildProcess; stopping: boolean };

/** `10080-10099` -> [10080, ..., 10099]; empty -> [] (SRT off) */
export const parsePortRange = (range: string): number[] => {
  const m = /^(\d+)-(\d+)$/.exec(range.trim());
  if (!m) return [];
  const [from, to] = [Number(m[1]), Number(m[2])];
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
};

/**
 * SRT ingest, as a front door to the RTMP one: for every show whose stream key is active and
 * whose show has not ended, one ffmpeg SRT listener on its own port of ENCODER_SRT_PORTS, with
 * a passphrase derived from the stream key (a wrong one is refused by SRT's own handshake).
 * What the listener receives is remuxed (`-c copy`) into our RTMP server under an internal
 * name that only this process can sign, so admission, ladder, LL-HLS, overlays and recording
 * are the RTMP path's, unchanged. Listeners are reconciled from management's stream-key
 * mirror in Redis every ENCODER_SRT_RECONCILE_MS (a rotation or show end closes the old one).
 * Every replica opens a listener for every such show, on the port `SrtPorts` gives the show (the
 * same on all replicas), so a UDP load balancer may send a caller to any of them.
 */
@Injectable()
export class SrtIngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SrtIngest');
  /** signs the internal RTMP names; never leaves this process */
  private readonly token = randomBytes(32);
  private readonly ports: number[];
  private readonly listeners = new Map<string, Listener>();
  /** ports of closed listeners whose ffmpeg has not exited yet (still bound) */
  private readonly draining = new Set<number>();
  private timer?: NodeJS.Timeout;
  private reconciling = false;
  private readonly directory: StreamKeyDirectory;
  private readonly shared?: SrtPorts;
  /** shows already warned about for want of a port (once each, not every reconcile) */
  private readonly portless = new Set<string>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly live: LiveService,
    private readonly redis: RedisService,
  ) {
    this.ports = parsePortRange(config.ENCODER_SRT_PORTS);
    this.directory = new StreamKeyDirectory(redis.client, redis.keys);
    if (this.ports.length) {
      // a show nobody wants any more keeps its port a while: replicas see it end a reconcile apart
      const graceMs = Math.max(10_000, config.ENCODER_SRT_RECONCILE_MS * 5);
      this.shared = new SrtPorts(redis, { from: this.ports[0], to: this.ports[this.ports.length - 1] }, graceMs);
    }
  }

  onApplicationBootstrap(): void {
    if (!this.ports.length) return;
    this.logger.log(`SRT ingest on ports ${this.config.ENCODER_SRT_PORTS} (one per live-able show)`);
    const tick = () => void this.reconcile().finally(() => (this.timer = setTimeout(tick, this.config.ENCODER_SRT_RECONCILE_MS)));
    tick();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    // the others go on serving the shows: their srt-port entries stay
    for (const l of this.listeners.values()) this.stop(l, false);
  }

  /** the RTMP stream name an SRT listener publishes under: `<keyHash>_<hmac>` (node-media-server allows no '.') */
  internalName(keyHash: string): string {
    return `${keyHash}_${createHmac('sha256', this.token).update(keyHash).digest('hex')}`;
  }

  /** the key hash of a genuine internal name, or null */
  verify(name: string): string | null {
    const [keyHash, sig] = name.split('_');
    if (!keyHash || !sig || !/^[0-9a-f]{64}$/.test(sig)) return null;
    const want = createHmac('sha256', this.token).update(keyHash).digest();
    return timingSafeEqual(want, Buffer.from(sig, 'hex')) ? keyHash : null;
  }

  /** show -> its SRT port, for the shows that have a listener now */
  portOf(broadcastId: string): number | undefined {
    return this.listeners.get(broadcastId)?.port;
  }

  private async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      const wanted = new Map<string, string>(); // broadcastId -> keyHash
      const { client, keys } = this.redis;
      // management's mirror keeps every show that may push in one hash; the lookup confirms each
      for (const [broadcastId, keyHash] of Object.entries(await client.hgetall(keys.streamKey.pushable()))) {
        const show = await this.directory.lookupHash(keyHash);
        if (show.ok && show.broadcastId === broadcastId) wanted.set(broadcastId, keyHash);
      }
      const ports = await this.shared!.assign([...wanted.keys()]);
      // a rotated key, an ended show, or a port moved (another replica's view won): close it
      for (const l of this.listeners.values()) {
        if (wanted.get(l.broadcastId) !== l.keyHash || ports.get(l.broadcastId) !== l.port) this.stop(l, !wanted.has(l.broadcastId));
      }
      for (const [broadcastId, keyHash] of wanted) {
        const port = ports.get(broadcastId);
        if (port === undefined) {
          if (!this.portless.has(broadcastId)) this.logger.warn(`no free SRT port for show ${broadcastId} (ENCODER_SRT_PORTS=${this.config.ENCODER_SRT_PORTS}); RTMP still works`);
          this.portless.add(broadcastId);
        } else if (!this.listeners.has(broadcastId) && !this.draining.has(port)) {
          // (a port still held by a closing ffmpeg is taken on a later reconcile)
          this.portless.delete(broadcastId);
          this.start(broadcastId, keyHash, port);
        }
      }
      for (const id of this.portless) if (!wanted.has(id)) this.portless.delete(id);
      // tell management-api (the stream-key answer) which port each show's listener is on
      const ttl = Math.ceil((this.config.ENCODER_SRT_RECONCILE_MS * 3) / 1000) + 1;
      for (const l of this.listeners.values()) await client.set(keys.streamKey.srtPort(l.broadcastId), String(l.port), 'EX', ttl);
    } catch (err) {
      this.logger.warn(`SRT reconcile failed: ${(err as Error).message}`);
    } finally {
      this.reconciling = false;
    }
  }

  private start(broadcastId: string, keyHash: string, port: number): void {
    const passphrase = srtPassphrase(this.config.ENCODER_SRT_SECRET, keyHash);
    const input = `srt://${this.config.ENCODER_SRT_HOST}:${port}?mode=listener&passphrase=${passphrase}&pbkeylen=16&latency=${this.config.ENCODER_SRT_LATENCY_MS * 1000}`;
    const output = `rtmp://127.0.0.1:${this.config.ENCODER_RTMP_PORT}/srt/${this.internalName(keyHash)}`;
    const child = spawnTied(this.config.ENCODER_FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', input, '-c', 'copy', '-f', 'flv', output], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const l: Listener = { broadcastId, keyHash, port, child, stopping: false };
    this.listeners.set(broadcastId, l);
    this.logger.log(`SRT listener for show ${broadcastId} on port ${port}`);
    let tail = '';
    child.stderr!.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4096);
      let nl: number;
      while ((nl = tail.indexOf('\n')) >= 0) {
        const line = tail.slice(0, nl);
        tail = tail.slice(nl + 1);
        // libsrt's own log line for a caller with the wrong passphrase (the handshake is refused)
        if (/rsp\(REJECT\).*Incorrect passphrase/.test(line)) {
          this.logger.warn(`ingest refused (wrong_key): SRT caller on port ${port} with a wrong passphrase for show ${broadcastId}`);
          void this.live.refused(broadcastId, 'wrong_key');
        } else if (/error|failed|refused/i.test(line) && !/SRT\./.test(line) && !l.stopping) {
          this.logger.warn(`SRT listener of show ${broadcastId} (port ${port}): ${line.trim()}`);
        }
      }
    });
    child.once('exit', () => {
      this.draining.delete(port);
      if (this.listeners.get(broadcastId) === l) this.listeners.delete(broadcastId);
      // a push ended (or ffmpeg died): the next reconcile opens a fresh listener if the show still wants one
    });
  }

  /** `forget`: the show may no longer push, so management-api stops handing out its URL */
  private stop(l: Listener, forget: boolean): void {
    l.stopping = true;
    if (this.listeners.get(l.broadcastId) === l) this.listeners.delete(l.broadcastId);
    if (l.child.exitCode === null && l.child.signalCode === null) {
      this.draining.add(l.port);
      l.child.kill('SIGTERM');
    }
    if (forget) void this.redis.client.del(this.redis.keys.streamKey.srtPort(l.broadcastId)).catch(() => undefined);
    this.logger.log(`SRT listener for show ${l.broadcastId} on port ${l.port} closed`);
  }
}
