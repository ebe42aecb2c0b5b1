#!/usr/bin/env node
// `nx run <app>:container`: builds the app's image from the one Dockerfile with whichever
// builder the machine has (docker, podman, buildah; CONTAINER_BUILDER forces one).
//
// Tag scheme (what the chart expects, values image.registry / image.repository / image.tag):
//   <IMAGE_REGISTRY>/<IMAGE_REPOSITORY>/<app>:<version>      version of package.json (0.1.0)
//   <IMAGE_REGISTRY>/<IMAGE_REPOSITORY>/<app>:<git short sha>  every build, for rollbacks
//   defaults: ghcr.io/live-commerce/<app>; IMAGE_TAG adds a tag of your own (e.g. `local`).
//
//   node tools/k8s/container.mjs <app> [--push] [--print]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const app = args.find((a) => !a.startsWith('--'));
const push = args.includes('--push');
const printOnly = args.includes('--print');

const webApps = new Set(['admin-console', 'viewer-web']);
// the apps whose image needs Debian packages beyond Node
const extraPackages = { 'encoder-orchestrator': 'ffmpeg' };

function has(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function imageRefs(name, { registry = process.env.IMAGE_REGISTRY ?? 'ghcr.io', repository = process.env.IMAGE_REPOSITORY ?? 'live-commerce', extraTag = process.env.IMAGE_TAG } = {}) {
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  let sha = 'nogit';
  try {
    sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* a source tarball: version tag only */
  }
  const base = `${registry ? `${registry}/` : ''}${repository}/${name}`;
  return [...new Set([version, sha, extraTag].filter(Boolean))].map((t) => `${base}:${t}`);
}

if (!app || !existsSync(path.join(root, 'apps', app))) {
  console.error(`usage: container.mjs <app> [--push] [--print]  (apps: ${existsSync(path.join(root, 'apps')) ? 'see apps/' : ''})`);
  process.exit(2);
}
const builder = process.env.CONTAINER_BUILDER ?? ['docker', 'podman', 'buildah'].find(has);
const refs = imageRefs(app);
const dockerfile = webApps.has(app) ? 'Dockerfile.web' : 'Dockerfile';
const buildArgs = ['--build-arg', `APP=${app}`, ...(extraPackages[app] ? ['--build-arg', `EXTRA_PACKAGES=${extraPackages[app]}`] : [])];
const tagArgs = refs.flatMap((r) => ['-t', r]);
// buildah without a daemon or root: vfs storage works everywhere (slow but sure)
const cmd = builder === 'buildah' ? ['buildah', ['build', '--layers', '-f', dockerfile, ...buildArgs, ...tagArgs, '.']] : [builder, ['build', '-f', dockerfile, ...buildArgs, ...tagArgs, '.']];

if (printOnly) {
  console.log(JSON.stringify({ builder: builder ?? null, refs, command: cmd[0] ? [cmd[0], ...cmd[1]] : null }));
  process.exit(0);
}
if (!builder) {
  console.error('no image builder found: install docker, podman or buildah (Debian: apt-get install -y buildah)');
  process.exit(1);
}
console.log(`${builder}: building ${refs.join(', ')}`);
let r = spawnSync(cmd[0], cmd[1], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
if (push) {
  for (const ref of refs) {
    r = spawnSync(builder, ['push', ref], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
