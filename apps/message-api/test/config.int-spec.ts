import { AppProcess } from '@live/testing';

// A missing or invalid required variable ends start-up non-zero with one line naming it.
describe('start-up config validation', () => {
  async function startWith(env: Record<string, string>) {
    const app = AppProcess.spawn('message-api', env);
    const exit = await app.exited;
    return { exit, lines: app.output };
  }

  it('names an invalid PORT in one line and exits 1', async () => {
    const { exit, lines } = await startWith({ PORT: 'eighty' });
    expect(exit.code).toBe(1);
    expect(lines).toEqual(['message-api: config error: PORT must be a port number (got "eighty")']);
  });

  it('names the missing AUTH_JWT_SECRET in production', async () => {
    const { exit, lines } = await startWith({ NODE_ENV: 'production', AUTH_JWT_SECRET: '' });
    expect(exit.code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('AUTH_JWT_SECRET is required in production');
  });

  it('names a malformed KAFKA_BROKERS', async () => {
    const { exit, lines } = await startWith({ KAFKA_BROKERS: 'localhost' });
    expect(exit.code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^message-api: config error: KAFKA_BROKERS must be host:port/);
  });
});
