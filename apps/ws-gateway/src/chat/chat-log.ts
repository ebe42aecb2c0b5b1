import { Injectable } from '@nestjs/common';
import { ChatLine } from '@live/contracts';
import { RedisService } from '@live/redis';

export const RECENT_LINES = 50;
export const MAX_RESYNC_LINES = 5_000;

type Entry = [id: string, fields: string[]];

const parse = ([id, fields]: Entry): ChatLine => ({ ...(JSON.parse(fields[1]) as ChatLine), seq: id });

/**
 * Reads a show's chat log: the Redis stream message-processor appends shown lines to. The
 * stream id is each line's `seq`, so "everything after the last line I saw" is a range read.
 */
@Injectable()
export class ChatLog {
  constructor(private readonly redis: RedisService) {}

  private key(showId: string) {
    return this.redis.keys.broadcast.chatLog(showId);
  }

  async recent(showId: string, count = RECENT_LINES): Promise<ChatLine[]> {
    const entries = (await this.redis.client.xrevrange(this.key(showId), '+', '-', 'COUNT', count)) as Entry[];
    return entries.reverse().map(parse);
  }

  /**
   * Lines after `lastSeq`, oldest first. `complete` is false when the log no longer reaches
   * back that far (or more lines were missed than one resync carries).
   */
  async after(showId: string, lastSeq: string): Promise<{ lines: ChatLine[]; complete: boolean }> {
    const [entries, first] = await Promise.all([
      this.redis.client.xrange(this.key(showId), `(${lastSeq}`, '+', 'COUNT', MAX_RESYNC_LINES + 1) as Promise<Entry[]>,
      this.redis.client.xrange(this.key(showId), '-', '+', 'COUNT', 1) as Promise<Entry[]>,
    ]);
    const trimmed = first.length > 0 && compareIds(first[0][0], lastSeq) > 0 && entries[0]?.[0] === first[0][0];
    return { lines: entries.slice(0, MAX_RESYNC_LINES).map(parse), complete: !trimmed && entries.length <= MAX_RESYNC_LINES };
  }

  /** Removes a line from the log (a moderator deleted it); true when it was there. */
  async remove(showId: string, messageId: string, scan = 20_000): Promise<boolean> {
    const entries = (await this.redis.client.xrevrange(this.key(showId), '+', '-', 'COUNT', scan)) as Entry[];
    const ids = entries.filter(([, f]) => (JSON.parse(f[1]) as ChatLine).messageId === messageId).map(([id]) => id);
    if (ids.length) await this.redis.client.xdel(this.key(showId), ...ids);
    return ids.length > 0;
  }
}

/** Orders two stream ids `<ms>-<n>`. */
export function compareIds(a: string, b: string): number {
  const [am, an] = a.split('-').map(BigInt);
  const [bm, bn] = b.split('-').map(BigInt);
  return am === bm ? Number(an - bn) : am < bm ? -1 : 1;
}
