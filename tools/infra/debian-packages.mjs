#!/usr/bin/env node
// Debian packages the project needs (ffmpeg, chromium, ...), installed when missing, so a
// fresh machine or CI gets them from the project's own files. Idempotent: installed packages
// are skipped without touching apt; `apt-get update` runs once, only when something is missing.
//   node tools/infra/debian-packages.mjs ffmpeg chromium
//   import { ensurePackages } from './debian-packages.mjs'; await ensurePackages(['ffmpeg']);
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const installed = (name) => {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
};

function apt(args) {
  // another apt run (a second worktree, unattended upgrades) holds the lock: wait for it
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
}

/** Installs the missing ones among `names`; returns the names it installed. */
export async function ensurePackages(names) {
  const missing = names.filter((n) => !installed(n));
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages ${missing.join(', ')}: run as root, or \`apt-get install -y ${missing.join(' ')}\``);
  console.log(`installing Debian packages: ${missing.join(', ')}`);
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  return missing;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  if (names.length === 0) {
    console.error('usage: node tools/infra/debian-packages.mjs <package>...');
    process.exit(2);
  }
  ensurePackages(names)
    .then((done) => console.log(done.length ? `installed ${done.join(', ')}` : `already installed: ${names.join(', ')}`))
    .catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
}
