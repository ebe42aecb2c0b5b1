#!/usr/bin/env node
// The browser tests drive Debian's `chromium` (headless, through playwright-core). Installs it
// when missing: as root with apt-get (update first), otherwise says what to run. Prints the
// path; CHROMIUM_PATH points at another build.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function ensureChromium() {
  const bin = chromiumPath();
  if (existsSync(bin)) return bin;
  if (process.getuid?.() !== 0) {
    throw new Error(`${bin} is missing: run \`sudo apt-get update && sudo apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  console.log('installing Debian chromium for the browser tests (apt-get)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation'], { stdio: 'inherit', env });
  if (!existsSync(bin)) throw new Error(`apt-get installed chromium but ${bin} is still missing`);
  return bin;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
