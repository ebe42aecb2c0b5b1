import { Injectable, OnModuleInit } from '@nestjs/common';
import { RedisService } from '@live/redis';

// Token bucket in one round trip: refill by elapsed time, take one token if there is one,
// else say how long until there is. Redis' own clock, so every API replica agrees.
const TAKE = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
return wait
`;

@Injectable()
export class RateLimiter implements OnModuleInit {
  constructor(private readonly redis: RedisService) {}

  onModuleInit(): void {
    this.redis.client.defineCommand('liveTakeToken', { numberOfKeys: 1, lua: TAKE });
  }

  /** 0 when allowed; otherwise the milliseconds until the next line is. */
  async take(key: string, perSecond: number, burst: number): Promise<number> {
    const client = this.redis.client as unknown as { liveTakeToken(key: string, rate: number, burst: number): Promise<number> };
    return client.liveTakeToken(key, perSecond, burst);
  }
}
