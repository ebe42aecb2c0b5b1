import { spawn } from 'node:child_process';
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

  it('takes an answer that came in while the process was too busy to read it, though the bound has passed', async () => {
    // `cat` answers through a pipe while this process is blocked past the bound. Blocked in a
    // setImmediate callback, the next turn of the event loop runs the due timer first and reads
    // the pipe after it: the answer must still win.
    const cat = spawn('cat');
    try {
      const { bounded } = await new Promise<{ bounded: Promise<string> }>((started) =>
        setImmediate(() => {
          const answered = new Promise<string>((resolve) => cat.stdout.once('data', (d: Buffer) => resolve(String(d))));
          const result = withTimeout(answered, 20, () => new Error('late'));
          cat.stdin.write('pong');
          const until = Date.now() + 500;
          while (Date.now() < until) {
            // busy: the answer arrives and the bound passes before the event loop turns
          }
          started({ bounded: result });
        }),
      );
      await expect(bounded).resolves.toBe('pong');
    } finally {
      cat.kill();
    }
  });
});
