import { z } from 'zod';
import { AppError } from './app-error';
import { ZodPipe, unstorableText } from './zod-pipe';

describe('unstorableText', () => {
  it.each([
    [{ title: 'a\u0000b' }, 'title'],
    [{ a: { b: ['ok', '\ud800'] } }, 'a.b.1'],
    [{ ['k\udc00']: 1 }, 'k\udc00'],
    ['\udfff\ud800', ''],
  ])('finds %j at %j', (value, path) => {
    expect(unstorableText(value)).toBe(path);
  });

  it('passes text any language or emoji makes, and deep values without recursion', () => {
    expect(unstorableText({ t: '한국어 👍🏽👨‍👩‍👧‍👦 \u202e', n: [1, null, true] })).toBeUndefined();
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableText(deep)).toBeUndefined();
  });
});

describe('ZodPipe', () => {
  it('refuses a NUL or a lone surrogate with a 400 naming the field, before the schema runs', () => {
    const pipe = new ZodPipe(z.object({ title: z.string() }));
    for (const title of ['a\u0000', '\udc00']) {
      let err: unknown;
      try {
        pipe.transform({ title }, { type: 'body' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).getStatus()).toBe(400);
      expect((err as AppError).field).toBe('title');
    }
    expect(new ZodPipe(z.string()).transform.bind(new ZodPipe(z.string()), '\u0000', { type: 'param', data: 'userId' })).toThrow(/userId/);
  });
});
