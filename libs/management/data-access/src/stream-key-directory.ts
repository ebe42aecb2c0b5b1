import { RedisKeys } from '@live/contracts';
import { createHash } from 'node:crypto';

/** The lookup form of a stream key: Redis and logs only ever see this hash, never the secret. */
export const hashStreamKey = (streamKey: string): string => createHash('sha256').update(streamKey, 'utf8').digest('hex');

export type StreamKeyLookup =
  | { ok: true; broadcastId: string; status: 'scheduled' | 'live' }
  | { ok: false; reason: 'no_key' | 'wrong_key' | 'show_ended'; broadcastId: string | null };

/**
 * How other services (encoder-orchestrator's ingest) check a pushed stream key. management-api
 * owns the state: its stream-key mirror writes `streamKey.broadcast(hash) -> broadcastId` from
 * its own committed events, drops the old hash on rotation and the mapping when a show ends.
 */
export class StreamKeyDirectory {
  constructor(
    /** a Redis or Redis Cluster client (single-key reads only) */
    private readonly redis: { get(key: string): Promise<string | null> },
    private readonly keys: RedisKeys,
  ) {}

  async lookup(streamKey: string | undefined | null): Promise<StreamKeyLookup> {
    if (!streamKey) return { ok: false, reason: 'no_key', broadcastId: null };
    const broadcastId = await this.redis.get(this.keys.streamKey.broadcast(hashStreamKey(streamKey)));
    if (!broadcastId) return { ok: false, reason: 'wrong_key', broadcastId: null };
    const status = await this.redis.get(this.keys.broadcast.status(broadcastId));
    if (status === 'ended') return { ok: false, reason: 'show_ended', broadcastId };
    return { ok: true, broadcastId, status: status === 'live' ? 'live' : 'scheduled' };
  }
}
