#!/usr/bin/env node
// The chart README's parameter tables come from the `## @param` comments in values.yaml
// (Bitnami's readme-generator-for-helm, which also fails on a value without a comment or a
// comment without a value). `--check` only reports whether the committed README is current.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const chart = path.join(root, 'charts', 'live-commerce');
const readme = path.join(chart, 'README.md');
const generator = path.join(path.dirname(require.resolve('@bitnami/readme-generator-for-helm/package.json')), 'bin', 'index.js');

export function generateReadme(target) {
  const r = spawnSync(process.execPath, [generator, '--values', path.join(chart, 'values.yaml'), '--readme', target], { encoding: 'utf8' });
  const log = `${r.stdout}${r.stderr}`
    .split('\n')
    .filter((l) => !l.startsWith('Skipping check for'))
    .join('\n');
  return { ok: r.status === 0 && !/ERROR/.test(log), log };
}

if (fileURLToPath(import.meta.url) === path.resolve(process.argv[1] ?? '')) {
  const check = process.argv.includes('--check');
  const target = check ? path.join(mkdtempSync(path.join(os.tmpdir(), 'chart-readme-')), 'README.md') : readme;
  if (check) copyFileSync(readme, target);
  const { ok, log } = generateReadme(target);
  if (!ok) {
    console.error(log);
    process.exit(1);
  }
  if (check && readFileSync(target, 'utf8') !== readFileSync(readme, 'utf8')) {
    console.error('charts/live-commerce/README.md is out of date: run `node tools/k8s/chart-readme.mjs`');
    process.exit(1);
  }
  console.log(check ? 'chart README is current' : `wrote ${path.relative(root, readme)}`);
}
