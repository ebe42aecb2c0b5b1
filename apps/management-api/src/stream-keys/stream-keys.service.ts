import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Topics, TopicSchemas } from '@live/contracts';
import { currentCorrelationId } from '@live/logging';
import { AuditLogEntity, BroadcastEntity, OutboxEntity, hashStreamKey, srtPassphrase } from '@live/management-data-access';
import { RedisService } from '@live/redis';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ManagementErrors, assertCanManage } from '../common/access';
import { StreamKeyView } from './stream-keys.dto';

export const STREAM_KEY_INGEST_URL = Symbol('STREAM_KEY_INGEST_URL');
export const STREAM_KEY_SRT = Symbol('STREAM_KEY_SRT');
export type SrtIngest = { host: string; secret: string };

/**
 * A show's RTMP stream key: shown to its seller and staff only (assertCanManage), rotated on
 * demand (the old key stops working as soon as the mirror drops its hash), refused once the
 * show ended. The key lives in management.broadcasts; Redis holds only its sha256 for the
 * encoder's lookup (StreamKeyDirectory).
 */
@Injectable()
export class StreamKeysService {
  private readonly logger = new Logger('StreamKeys');

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    @Inject(STREAM_KEY_INGEST_URL) private readonly ingestUrl: string,
    @Inject(STREAM_KEY_SRT) private readonly srt: SrtIngest,
  ) {}

  private async view(b: BroadcastEntity): Promise<StreamKeyView> {
    // the port of the SRT listener encoder-orchestrator holds open for this show (null until it has one)
    const port = this.srt.host && b.status !== 'ended' ? await this.redis.client.get(this.redis.keys.streamKey.srtPort(b.id)) : null;
    const srtUrl = port ? `srt://${this.srt.host}:${port}?passphrase=${srtPassphrase(this.srt.secret, hashStreamKey(b.streamKey))}&pbkeylen=16` : null;
    return { ingestUrl: this.ingestUrl, streamKey: b.streamKey, rotatedAt: (b.streamKeyRotatedAt ?? b.createdAt).toISOString(), srtUrl };
  }

  private async managed(user: Principal, id: string, m: EntityManager, lock = false): Promise<BroadcastEntity> {
    const b = await m.getRepository(BroadcastEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!b) throw CommonErrors.notFound('broadcast', 'id');
    assertCanManage(user, b.sellerId, 'the stream key of this show');
    return b;
  }

  async get(user: Principal, id: string): Promise<StreamKeyView> {
    const b = await this.managed(user, id, this.dataSource.manager);
    // shows created before the mirror ran (or whose event is still in the outbox) become pushable now
    if (b.status !== 'ended') await this.mirror(b.id);
    return await this.view(b);
  }

  /** A new secret, the rotation event and its audit entry commit together (outbox: the relay publishes it). */
  async rotate(user: Principal, id: string): Promise<StreamKeyView> {
    const view = await this.dataSource.transaction(async (m) => {
      const b = await this.managed(user, id, m, true);
      if (b.status === 'ended') throw ManagementErrors.conflict('SHOW_ENDED', 'an ended show has no stream key to rotate', 'id');
      b.streamKey = randomBytes(24).toString('base64url');
      b.streamKeyRotatedAt = new Date();
      await m.getRepository(BroadcastEntity).save(b);
      const correlationId = currentCorrelationId() ?? null;
      const event = TopicSchemas[Topics.StreamKeyRotated].parse({
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        broadcastId: b.id,
        sellerId: b.sellerId,
        rotatedAt: b.streamKeyRotatedAt.toISOString(),
      });
      await m.getRepository(OutboxEntity).insert({ topic: Topics.StreamKeyRotated, key: b.id, payload: event as Record<string, unknown>, correlationId } as never);
      await m.getRepository(AuditLogEntity).insert({
        actorId: user.sub,
        actorRoles: user.roles,
        action: 'broadcast.stream-key.rotate',
        targetType: 'broadcast',
        targetId: b.id,
        broadcastId: b.id,
        details: {},
        correlationId,
      } as never);
      return b;
    });
    // the rotated key works at once; the event makes the same write for anyone replaying
    await this.mirror(id).catch((err: Error) => this.logger.warn(`stream key mirror of ${id} deferred to the consumer: ${err.message}`));
    return await this.view(view);
  }

  /**
   * Makes Redis agree with the database for one show: its current key hash maps to it, the
   * previous hash maps to nothing, and an ended (or deleted) show has no mapping. Idempotent.
   */
  async mirror(broadcastId: string): Promise<void> {
    const { client, keys } = this.redis;
    const b = await this.dataSource.getRepository(BroadcastEntity).findOne({ where: { id: broadcastId } });
    const previous = await client.get(keys.streamKey.current(broadcastId));
    // the lookup by hash is in no show's slot: one MULTI per slot (all writes idempotent)
    const tx = this.redis.multiPerSlot();
    if (!b || b.status === 'ended') {
      if (previous) tx.del(keys.streamKey.broadcast(previous));
      tx.del(keys.streamKey.current(broadcastId));
      tx.hdel(keys.streamKey.pushable(), broadcastId);
    } else {
      const hash = hashStreamKey(b.streamKey);
      if (previous && previous !== hash) tx.del(keys.streamKey.broadcast(previous));
      tx.set(keys.streamKey.broadcast(hash), broadcastId).set(keys.streamKey.current(broadcastId), hash);
      tx.hset(keys.streamKey.pushable(), broadcastId, hash);
    }
    await tx.exec();
  }
}
