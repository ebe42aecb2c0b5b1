import { NonRetriableError, TransientError, isTransient, withTimeout } from './errors';

describe('isTransient', () => {
  it('waits out connection failures and gives up on bad data', () => {
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isTransient(new TransientError('redis down'))).toBe(true);
    expect(isTransient(new Error('wrapped', { cause: Object.assign(new Error(), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isTransient(new NonRetriableError('bad'))).toBe(false);
    expect(isTransient(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
  });
});

describe('withTimeout', () => {
  it('rejects with the given error when the bound passes', async () => {
    await expect(withTimeout(new Promise(() => undefined), 10, () => new Error('late'))).rejects.toThrow('late');
    await expect(withTimeout(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
  });
});
