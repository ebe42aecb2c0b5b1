import { redisKeys } from './redis-keys';

describe('redisKeys', () => {
  it('namespaces every key by phase', () => {
    const keys = redisKeys('test-42');
    expect(keys.broadcast.status('b1')).toBe('live|test-42|broadcast:b1:status');
    expect(keys.pattern).toBe('live|test-42|*');
  });

  it('refuses a phase that could break out of the namespace', () => {
    expect(() => redisKeys('dev|x')).toThrow(/invalid Redis phase/);
    expect(() => redisKeys('')).toThrow(/invalid Redis phase/);
  });
});
