import { Injectable } from '@nestjs/common';
import { ChatLine } from '@live/contracts';
import { RedisService } from '@live/redis';

export const RECENT_LINES = 50;
export const MAX_RESYNC_LINES = 5_000;
/** the index of a show's log outlives its last line by a day (a show's keys go at its end) */
const INDEX_TTL_SECONDS = 24 * 3600;

type Entry = [id: string, fields: string[]];

// Appends the lines and indexes them in one atomic round trip, each message once: Kafka
// delivers at least once, and a line the index already has (delivered before, in another
// consumer batch) keeps its place and seq; one a moderator removed ('' in the index) stays out.
// KEYS: log, index; ARGV: maxLen, indexTtl, then messageId, line JSON for each line
// Returns each line's seq ('' for a removed one).
const APPEND = `
local ids = {}
for i = 3, #ARGV, 2 do
  local id = redis.call('HGET', KEYS[2], ARGV[i])
  if not id then
    id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'line', ARGV[i + 1])
    redis.call('HSET', KEYS[2], ARGV[i], id)
  end
  ids[#ids + 1] = id
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return ids
`;
type Append = { liveChatAppend(...a: (string | number)[]): Promise<string[]> };

const parse = ([id, fields]: Entry): ChatLine => ({ ...(JSON.parse(fields[1]) as ChatLine), seq: id });

/**
 * A show's chat log: the Redis stream of the lines viewers were shown, owned by
 * message-processor (it appends and deletes) and read by ws-gateway (join snapshots and
 * reconnect resync). The stream id is each line's `seq`, so "everything after the last line
 * I saw" is a range read; an index hash messageId -> seq makes a delete one lookup, not a scan.
 * Nothing else reads or writes these keys.
 */
@Injectable()
export class ChatLog {
  constructor(private readonly redis: RedisService) {
    redis.client.defineCommand('liveChatAppend', { numberOfKeys: 2, lua: APPEND });
  }

  private keys(broadcastId: string) {
    const { keys } = this.redis;
    return { log: keys.broadcast.chatLog(broadcastId), index: keys.broadcast.chatLogIndex(broadcastId) };
  }

  /**
   * Appends shown lines in order (one round trip); returns them with their seq. A line already
   * in the log (a redelivery) comes back with the seq it has, so viewers, who dedupe by
   * messageId, are not shown it twice; a line a moderator removed is left out.
   */
  async append(broadcastId: string, lines: Omit<ChatLine, 'seq'>[], maxLen: number): Promise<ChatLine[]> {
    if (lines.length === 0) return [];
    const { log, index } = this.keys(broadcastId);
    const args = lines.flatMap((l) => [l.messageId, JSON.stringify({ ...l, seq: '' })]);
    const ids = await (this.redis.client as unknown as Append).liveChatAppend(log, index, maxLen, INDEX_TTL_SECONDS, ...args);
    return lines.map((l, i) => ({ ...l, seq: ids[i] })).filter((l) => l.seq !== '');
  }

  async recent(broadcastId: string, count = RECENT_LINES): Promise<ChatLine[]> {
    const entries = (await this.redis.client.xrevrange(this.keys(broadcastId).log, '+', '-', 'COUNT', count)) as Entry[];
    return entries.reverse().map(parse);
  }

  /**
   * Lines after `lastSeq`, oldest first. `complete` is false when the log no longer reaches
   * back that far (or more lines were missed than one resync carries).
   */
  async after(broadcastId: string, lastSeq: string): Promise<{ lines: ChatLine[]; complete: boolean }> {
    const { log } = this.keys(broadcastId);
    const [entries, first] = await Promise.all([
      this.redis.client.xrange(log, `(${lastSeq}`, '+', 'COUNT', MAX_RESYNC_LINES + 1) as Promise<Entry[]>,
      this.redis.client.xrange(log, '-', '+', 'COUNT', 1) as Promise<Entry[]>,
    ]);
    const trimmed = first.length > 0 && compareIds(first[0][0], lastSeq) > 0 && entries[0]?.[0] === first[0][0];
    return { lines: entries.slice(0, MAX_RESYNC_LINES).map(parse), complete: !trimmed && entries.length <= MAX_RESYNC_LINES };
  }

  /** Removes a line (a moderator deleted it); true when it was in the log. Its index entry stays, '', so a redelivery does not bring it back. */
  async remove(broadcastId: string, messageId: string): Promise<boolean> {
    const { log, index } = this.keys(broadcastId);
    const seq = await this.redis.client.hget(index, messageId);
    if (!seq) return false;
    const [[, removed]] = (await this.redis.client.multi().xdel(log, seq).hset(index, messageId, '').exec()) as [[unknown, number]];
    return removed > 0;
  }
}

/** Orders two stream ids `<ms>-<n>`. */
export function compareIds(a: string, b: string): number {
  const [am, an] = a.split('-').map(BigInt);
  const [bm, bn] = b.split('-').map(BigInt);
  return am === bm ? Number(an - bn) : am < bm ? -1 : 1;
}
