import { decodeCursor, toPage } from './pagination';

const row = (id: string, minute: number) => ({ id, createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)) });

describe('keyset pagination', () => {
  it('hands out a cursor that decodes to the last row of the page, and none on the last page', () => {
    const rows = [row('c', 3), row('b', 2), row('a', 1)];
    const page = toPage(rows, 2);
    expect(page.items.map((r) => r.id)).toEqual(['c', 'b']);
    expect(decodeCursor(page.nextCursor!)).toEqual({ t: rows[1].createdAt.toISOString(), id: 'b' });
    expect(toPage(rows, 3).nextCursor).toBeNull();
  });

  it('refuses a cursor it did not hand out, naming the field', () => {
    for (const bad of ['nope', Buffer.from('{"t":"not a date","id":"x"}').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'cursor' }));
    }
    expect(decodeCursor(undefined)).toBeUndefined();
  });
});
