import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { workspaceRoot } from '../src';

// Lint fails on a module-boundary violation: apps use libs only through @live/*, never
// another app; contracts depend on nothing; platform libs not on data-access libs.
function lint(file: string, source: string) {
  const r = spawnSync(path.join(workspaceRoot, 'node_modules/.bin/eslint'), ['--stdin', '--stdin-filename', file, '--format', 'json'], {
    cwd: workspaceRoot,
    input: source,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('stops contracts from depending on anything', () => {
    expect(lint('libs/contracts/src/x.ts', "import { parseEnv } from '@live/config';\nexport const x = parseEnv;\n")).toEqual([
      expect.stringContaining('type:contracts'),
    ]);
  });

  it('stops an app from importing another app', () => {
    expect(lint('apps/burst-api/src/x.ts', "import { AppConfig } from '../../message-api/src/app.config';\nexport const x = AppConfig;\n")).toHaveLength(1);
  });

  it('stops a platform lib from importing a data-access lib', () => {
    expect(lint('libs/platform/redis/src/x.ts', "import { chatDatabase } from '@live/chat-data-access';\nexport const x = chatDatabase;\n")).toEqual([
      expect.stringContaining('type:platform'),
    ]);
  });

  it('lets an app use contracts and platform libs', () => {
    expect(lint('apps/burst-api/src/x.ts', "import { Topics } from '@live/contracts';\nimport { KafkaService } from '@live/kafka';\nexport const x = [Topics, KafkaService];\n")).toEqual([]);
  });

  it("stops an app from using another domain's private lib", () => {
    expect(lint('apps/burst-api/src/x.ts', "import { AnalyticsRepository } from '@live/analytics-data-access';\nexport const x = AnalyticsRepository;\n")).toEqual([
      expect.stringContaining('scope:burst'),
    ]);
  });

  it('lets an app read the state another domain publishes', () => {
    expect(lint('apps/ws-gateway/src/x.ts', "import { ChatLog } from '@live/chat-data-access';\nexport const x = ChatLog;\n")).toEqual([]);
  });
});

