import { quietIdleRequestQueues } from '@live/kafka';
import { stopLeftoverApps } from './app-process';

// Integration tests need the per-run isolation that tools/test/test.mjs sets up; running them
// without it would write into the dev stack's database, Redis phase and topics.
if (!process.env.LIVE_TEST_RUN_ID) {
  throw new Error('integration tests run through `npm test` (or `node tools/test/test.mjs --only-integration`), which sets LIVE_TEST_RUN_ID');
}

// the tests' own kafkajs clients (consumers that watch a topic, producers that feed one) get the
// apps' fix of kafkajs's idle timer: unpatched, it re-arms a negative timeout every millisecond,
// which Node 24 reports as a TimeoutNegativeWarning
quietIdleRequestQueues();

// real services: starting apps and brokers takes seconds, not milliseconds
jest.setTimeout(120_000);

// a failed assertion skips the test's own stop(); never leave an app running
afterAll(() => stopLeftoverApps());
