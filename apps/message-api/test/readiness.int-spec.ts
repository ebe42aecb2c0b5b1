import { rmSync } from 'node:fs';
import path from 'node:path';
import { AppProcess, freePort, infra, testEnv, waitFor, workspaceRoot } from '@live/testing';

// With the broker stopped through tools/, readiness of a Kafka-using app turns 503 within
// 15 s, and back to 200 once the broker is started again. Liveness stays 200 throughout.
// The test runs its own broker (own ports and data dir, same tools/ commands) so stopping it
// disturbs neither the shared broker of this run nor a dev stack on the same machine.
describe('readiness follows the Kafka broker', () => {
  let app: AppProcess | undefined;
  let brokerEnv: Record<string, string>;

  beforeAll(async () => {
    const [port, controller] = [await freePort(), await freePort()];
    brokerEnv = {
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
      LIVE_DATA_DIR: `.data/test-kafka-${testEnv().runId}`,
      KAFKA_HEAP: '256m',
    };
    await infra('up', ['kafka'], brokerEnv);
    app = await AppProcess.start('message-api', { KAFKA_BROKERS: `127.0.0.1:${port}` });
  });

  afterAll(async () => {
    await app?.stop();
    await infra('down', ['kafka'], brokerEnv);
    rmSync(path.join(workspaceRoot, brokerEnv.LIVE_DATA_DIR), { recursive: true, force: true });
  });

  it('turns 503 when the broker stops and 200 when it is back', async () => {
    const proc = app!;
    expect(await infra('status', [], brokerEnv)).toMatch(/kafka\s+up .*\(ours, pid/);
    expect(await proc.ready()).toBe(200);

    await infra('down', ['kafka'], brokerEnv);
    const stoppedAt = Date.now();
    // the deadline is the requirement itself: 503 within 15 s of the broker stopping
    await waitFor('readiness 503', async () => (await proc.ready()) === 503, { timeoutMs: 15_000, everyMs: 250 });
    const body = (await (await fetch(`${proc.url}/health/ready`)).json()) as any;
    expect(body.code).toBe('UNAVAILABLE');
    expect(body.details.kafka.status).toBe('down');
    expect(body.details.redis.status).toBe('up');
    expect((await fetch(`${proc.url}/health/live`)).status).toBe(200);
    console.log(`readiness went 503 ${Date.now() - stoppedAt} ms after the broker stopped`);

    await infra('up', ['kafka'], brokerEnv);
    await waitFor('readiness 200 again', async () => (await proc.ready()) === 200, { timeoutMs: 60_000, everyMs: 500 });
  });
});
