import { AppProcess, infra, waitFor } from '@live/testing';

// With the broker stopped through tools/, readiness of a Kafka-using app turns 503 within
// 15 s, and back to 200 once the broker is started again. Liveness stays 200 throughout.
describe('readiness follows the Kafka broker', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await AppProcess.start('message-api');
  });

  afterAll(async () => {
    await infra('up', 'kafka'); // whatever happened, leave the broker running
    await app?.stop();
  });

  it('turns 503 when the broker stops and 200 when it is back', async () => {
    const status = await infra('status');
    if (!/kafka\s+up .*\(ours, pid/.test(status)) {
      throw new Error(`this test stops the broker through tools/, so tools/ must have started it:\n${status}`);
    }
    expect(await app.ready()).toBe(200);

    await infra('down', 'kafka');
    const stoppedAt = Date.now();
    // the deadline is the requirement itself: 503 within 15 s of the broker stopping
    await waitFor('readiness 503', async () => (await app.ready()) === 503, { timeoutMs: 15_000, everyMs: 250 });
    const body = (await (await fetch(`${app.url}/health/ready`)).json()) as any;
    expect(body.code).toBe('UNAVAILABLE');
    expect(body.details.kafka.status).toBe('down');
    expect(body.details.redis.status).toBe('up');
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    console.log(`readiness went 503 ${Date.now() - stoppedAt} ms after the broker stopped`);

    await infra('up', 'kafka');
    await waitFor('readiness 200 again', async () => (await app.ready()) === 200, { timeoutMs: 60_000, everyMs: 500 });
  });
});
