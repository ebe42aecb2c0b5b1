import { RedisService } from '@live/redis';

// One hash for the whole platform, broadcastId -> "<port>:<ms the show was last wanted>". Every
// replica passes the shows it wants a listener for; a show keeps its port while any replica
// still wants it, and gives it up only after nobody has for ARGV[3] ms (replicas see a show
// start or end up to a reconcile apart, and one replica's late view must not move a port that
// the others' listeners are on). A port outside the range (the range was changed) is given up.
// New shows take the lowest free ports, in the order given. Returns [id, port, id, port, ...].
const ASSIGN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local from, to, grace = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wanted = {}
for i = 4, #ARGV do wanted[ARGV[i]] = true end
local used, portOf = {}, {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local id, v = all[i], all[i + 1]
  local sep = string.find(v, ':', 1, true)
  local port = tonumber(string.sub(v, 1, sep - 1))
  local seen = tonumber(string.sub(v, sep + 1))
  if wanted[id] then
    if port >= from and port <= to then portOf[id] = port; used[port] = true end
  elseif now - seen > grace then
    redis.call('HDEL', KEYS[1], id)
  else
    used[port] = true
  end
end
local out = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local port = portOf[id]
  if not port then
    for p = from, to do
      if not used[p] then port = p; used[p] = true; break end
    end
  end
  if port then
    redis.call('HSET', KEYS[1], id, port .. ':' .. now)
    out[#out + 1] = id
    out[#out + 1] = port
  else
    redis.call('HDEL', KEYS[1], id)
  end
end
return out
`;

type Run = { liveAssignSrtPorts(key: string, ...args: (string | number)[]): Promise<(string | number)[]> };

/**
 * Which SRT port each show's listener is on, the same on every encoder replica. Every replica
 * opens a listener for every show that may push, so behind a UDP load balancer a caller reaches
 * the show's listener on whichever replica its flow lands; that needs the show's port to be the
 * same everywhere, so the ports are handed out here, in Redis, not by each replica on its own.
 */
export class SrtPorts {
  constructor(
    private readonly redis: RedisService,
    private readonly range: { from: number; to: number },
    /** how long a show nobody wants keeps its port */
    private readonly graceMs: number,
  ) {
    // defined at start-up, before any traffic (see RedisService)
    this.redis.client.defineCommand('liveAssignSrtPorts', { numberOfKeys: 1, lua: ASSIGN });
  }

  /** show -> port for the shows given (a show missing from the answer found no free port) */
  async assign(broadcastIds: string[]): Promise<Map<string, number>> {
    const run = this.redis.client as unknown as Run;
    const flat = await run.liveAssignSrtPorts(this.redis.keys.streamKey.srtPorts(), this.range.from, this.range.to, this.graceMs, ...broadcastIds);
    const ports = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) ports.set(String(flat[i]), Number(flat[i + 1]));
    return ports;
  }
}
