// Every script in package.json runs: each one answers `--help` (or its tool's own help) with
// exit 0, without starting anything. A script whose target file is missing, or that ignores
// --help and goes on to do its work, fails here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const scripts = Object.keys(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>);

describe('package.json scripts', () => {
  it.each(scripts)('npm run %s -- --help exits 0 and prints help', (name) => {
    const r = spawnSync('npm', ['run', '-s', name, '--', '--help'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    expect({ status: r.status, output: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ status: 0, output: '' });
    // some tools (nx) print their help on stderr
    expect((r.stdout + r.stderr).trim().length).toBeGreaterThan(20);
  }, 70_000);
});
