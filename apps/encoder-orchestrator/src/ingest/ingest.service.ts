import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IngestRefusal } from '@live/contracts';
import { StreamKeyDirectory, hashStreamKey } from '@live/management-data-access';
import { RedisService } from '@live/redis';
import { AppConfig } from '../app.config';
import { LiveService } from '../live/live.service';
import { FlvTap, NmsBroadcast, NmsSession } from './flv-tap';
import { SrtIngestService } from './srt-ingest.service';

// node-media-server 4 has no typed API for embedding: its RTMP server, shared context and
// logger are plain CommonJS modules.
/* eslint-disable @typescript-eslint/no-require-imports */
const nmsContext = (): { config: Record<string, unknown>; broadcasts: Map<string, NmsBroadcast>; eventEmitter: NodeJS.EventEmitter } =>
  require('node-media-server/src/core/context.js');
const nmsLogger = (): { level: string } => require('node-media-server/src/core/logger.js');
const NmsRtmpServer = (): new () => { run(): void; stop(): void } => require('node-media-server/src/server/rtmp_server.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * RTMP ingest: node-media-server's RTMP listener (one port, publishes routed by stream key),
 * with our own admission: a publish at `/live/<streamKey>` is checked against management's
 * stream-key lookup and this replica's capacity before any byte of it reaches ffmpeg; a
 * refused push is closed, logged (key hash prefix only), counted and announced on Kafka.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ingest');
  private server?: { run(): void; stop(): void };
  private readonly directory: StreamKeyDirectory;
  private readonly onPublish = (session: NmsSession) => void this.admit(session);

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly live: LiveService,
    redis: RedisService,
    private readonly srt: SrtIngestService,
  ) {
    this.directory = new StreamKeyDirectory(redis.client, redis.keys);
  }

  onApplicationBootstrap(): void {
    const ctx = nmsContext();
    ctx.config = { bind: this.config.ENCODER_RTMP_HOST, rtmp: { port: this.config.ENCODER_RTMP_PORT } };
    nmsLogger().level = 'error';
    const Server = NmsRtmpServer();
    this.server = new Server();
    this.server.run();
    ctx.eventEmitter.on('postPublish', this.onPublish);
    this.logger.log(`RTMP ingest on rtmp://${this.config.ENCODER_RTMP_HOST}:${this.config.ENCODER_RTMP_PORT}/live/<streamKey>`);
  }

  onApplicationShutdown(): void {
    nmsContext().eventEmitter.off('postPublish', this.onPublish);
    this.server?.stop();
  }

  private async admit(session: NmsSession): Promise<void> {
    const key = session.streamApp === 'live' ? session.streamName : '';
    // an SRT listener of ours republishing a push it took (`/srt/<keyHash>_<signature>`)
    const srtHash = session.streamApp === 'srt' ? this.srt.verify(session.streamName ?? '') : null;
    const hash = srtHash ?? (key ? hashStreamKey(key) : '');
    const keyRef = hash ? `key sha256:${hash.slice(0, 12)}${srtHash ? ' via SRT' : ''}` : 'no key';
    let broadcastId: string | null = null;
    const refuse = (reason: IngestRefusal, message: string) => {
      this.logger.warn(`ingest refused (${reason}): ${message} [${keyRef}, from ${session.ip}]`);
      session.close();
      void this.live.refused(broadcastId, reason);
    };
    try {
      const found = srtHash ? await this.directory.lookupHash(srtHash) : await this.directory.lookup(key);
      broadcastId = found.broadcastId;
      if (!found.ok) {
        const why = { no_key: 'no stream key in the URL (rtmp://<host>:<port>/live/<streamKey>)', wrong_key: 'unknown or rotated stream key', show_ended: 'the show has ended' }[found.reason];
        return refuse(found.reason, why);
      }
      const bid = found.broadcastId;
      const broadcast = nmsContext().broadcasts.get(session.streamPath);
      if (!broadcast || broadcast.publisher !== session) return refuse('duplicate', `show ${bid} already has an encoder on this key`);
      const admission = this.live.admit(bid);
      if (!admission.ok) return refuse(admission.reason, admission.message);
      // the publisher's metadata (size, frame rate) usually comes right after publish
      const deadline = Date.now() + 1_500;
      while (!session.videoHeight && Date.now() < deadline && !session.socket?.destroyed) await new Promise((r) => setTimeout(r, 50));
      const tap = new FlvTap(session, broadcast);
      tap.attach();
      let gone: IngestRefusal | null = null;
      const sessionN = await this.live.connect(bid, tap, (reason, detail) => {
        gone = reason;
        refuse(reason, `show ${bid}: ${detail}`);
        tap.close();
      });
      this.logger.log(`ingest connected: show ${bid} session ${sessionN} (${session.videoWidth}x${session.videoHeight}) from ${session.ip}`);
      const onClose = () => {
        tap.close();
        if (!gone) this.logger.log(`ingest disconnected: show ${bid} session ${sessionN}`);
        void this.live.disconnect(bid, gone);
      };
      if (!session.socket || session.socket.destroyed) onClose();
      else session.socket.once('close', onClose);
    } catch (err) {
      this.logger.error(`ingest of ${keyRef} failed: ${(err as Error).message}`);
      session.close();
    }
  }
}
