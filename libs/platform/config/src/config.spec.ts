import { z } from 'zod';
import { ConfigClass, ConfigError, DEV_JWT_SECRET, baseEnv, env, kafkaEnv, loadConfig, parseCountMap, redisEnv } from './config';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

class TestConfig extends ConfigClass(z.object({ ...baseEnv, ...kafkaEnv, PORT: env.port(3000) })) {}

describe('config', () => {
  it('applies defaults inline', () => {
    const c = loadConfig(TestConfig, {});
    expect(c.PORT).toBe(3000);
    expect(c.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(c.AUTH_JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(c).toBeInstanceOf(TestConfig);
  });

  it('names the bad variable in one line', () => {
    expect(() => loadConfig(TestConfig, { PORT: 'abc' })).toThrow(ConfigError);
    const msg = messageOf(() => loadConfig(TestConfig, { PORT: '70000', KAFKA_BROKERS: 'nope' }));
    expect(msg).not.toContain('\n');
    expect(msg).toContain('PORT must be a port number (got "70000")');
    expect(msg).toContain('KAFKA_BROKERS must be host:port');
  });

  it('refuses the dev secret in production', () => {
    expect(() => loadConfig(TestConfig, { NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET is required/);
    expect(loadConfig(TestConfig, { NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe('production');
  });

  it('takes Redis Cluster nodes as host:port list, or none', () => {
    class RedisConfig extends ConfigClass(z.object({ ...baseEnv, ...redisEnv })) {}
    expect(loadConfig(RedisConfig, {}).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(loadConfig(RedisConfig, { REDIS_CLUSTER_NODES: '' }).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(loadConfig(RedisConfig, { REDIS_CLUSTER_NODES: '127.0.0.1:7101,redis-b:7102' }).REDIS_CLUSTER_NODES).toBe('127.0.0.1:7101,redis-b:7102');
    expect(() => loadConfig(RedisConfig, { REDIS_CLUSTER_NODES: 'redis://x:1' })).toThrow(/REDIS_CLUSTER_NODES must be host:port/);
    expect(() => loadConfig(RedisConfig, { REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES must be host:port/);
  });

  it('parses topic=count maps', () => {
    expect(parseCountMap('a.b=3,c.d=12')).toEqual({ 'a.b': 3, 'c.d': 12 });
    expect(parseCountMap('')).toEqual({});
  });
});
