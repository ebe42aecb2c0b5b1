import { correlationIdFrom, currentCorrelationId, runWithCorrelationId } from './correlation';

describe('correlation id', () => {
  it('keeps a sane caller id and replaces a hostile one', () => {
    expect(correlationIdFrom('req-123')).toBe('req-123');
    expect(correlationIdFrom(['a-1', 'b'])).toBe('a-1');
    const made = correlationIdFrom('bad id\nwith newline');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('follows async work inside its scope only', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    await runWithCorrelationId('c-9', async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(currentCorrelationId()).toBe('c-9');
    });
    expect(currentCorrelationId()).toBeUndefined();
  });
});
