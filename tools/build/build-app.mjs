#!/usr/bin/env node
// nx build <app>: compiles the app and every lib it may import into dist/apps/<app>,
// keeping the source layout so the rewritten relative imports stay valid.
// Run: node dist/apps/<app>/apps/<app>/src/main.js
import { createRequire } from 'node:module';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const require = createRequire(import.meta.url);
const swc = require('@swc/core');
const { root, swcOptions } = require('./swc-options.cjs');

const app = process.argv[2];
if (!app) {
  console.error('usage: build-app.mjs <app>');
  process.exit(2);
}
const outDir = path.join(root, 'dist', 'apps', app);
const sources = [path.join(root, 'apps', app, 'src'), path.join(root, 'libs')];

async function* tsFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'test') yield* tsFiles(full);
    } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$|\.d\.ts$/.test(entry.name)) {
      yield full;
    }
  }
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
const options = swcOptions();
let count = 0;
const jobs = [];
for (const dir of sources) {
  for await (const file of tsFiles(dir)) {
    const rel = path.relative(root, file);
    const target = path.join(outDir, rel.replace(/\.ts$/, '.js'));
    jobs.push(
      swc.transformFile(file, { ...options, filename: file, outputPath: target }).then(async (out) => {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, `${out.code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
        if (out.map) await writeFile(`${target}.map`, out.map);
        count += 1;
      }),
    );
  }
}
await Promise.all(jobs);
console.log(`built ${app}: ${count} files in ${Date.now() - started} ms -> ${path.relative(root, outDir)}`);
