import { RedisKeys } from '@live/contracts';
import { createHash, createHmac } from 'node:crypto';

/** The lookup form of a stream key: Redis and logs only ever see this hash, never the secret. */
export const hashStreamKey = (streamKey: string): string => createHash('sha256').update(streamKey, 'utf8').digest('hex');

/**
 * The SRT passphrase of a stream key: management-api (which holds the key) and encoder-orchestrator
 * (which only sees its hash) both derive it with the shared SRT secret. 32 chars, within SRT's 10..79.
 */
export const srtPassphrase = (secret: string, keyHash: string): string => createHmac('sha256', secret).update(`srt:${keyHash}`).digest('base64url').slice(0, 32);

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
    return this.lookupHash(hashStreamKey(streamKey));
  }

  /** The same check by the key's hash (SRT ingest: its listener knows the hash, never the key). */
  async lookupHash(keyHash: string): Promise<StreamKeyLookup> {
    const broadcastId = await this.redis.get(this.keys.streamKey.broadcast(keyHash));
    if (!broadcastId) return { ok: false, reason: 'wrong_key', broadcastId: null };
    const status = await this.redis.get(this.keys.broadcast.status(broadcastId));
    if (status === 'ended') return { ok: false, reason: 'show_ended', broadcastId };
    return { ok: true, broadcastId, status: status === 'live' ? 'live' : 'scheduled' };
  }
}
