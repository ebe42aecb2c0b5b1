#!/usr/bin/env node
// nx build viewer-sdk: an installable ESM package with types in dist/libs/viewer-sdk.
// tsc compiles the SDK and the contracts types it uses; the `@live/contracts` alias and
// extension-less relative imports are then rewritten so Node and every bundler resolve them.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'dist', 'libs', 'viewer-sdk');
const lib = path.join(out, 'lib');
rmSync(out, { recursive: true, force: true });
execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'libs/viewer-sdk/tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });

const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));
const contractsIndex = path.join(lib, 'contracts', 'src', 'index');
for (const file of files(lib)) {
  // the SDK uses contracts for types only: their JavaScript (and its zod import) is not shipped
  if (file.startsWith(path.join(lib, 'contracts')) && file.endsWith('.js')) {
    rmSync(file);
    continue;
  }
  if (!/\.(js|d\.ts)$/.test(file)) continue;
  const src = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])([^'"]+)\2/g, (all, pre, q, spec) => {
    let target = spec;
    if (spec === '@live/contracts') target = path.relative(path.dirname(file), contractsIndex).replaceAll(path.sep, '/');
    else if (!spec.startsWith('.')) return all;
    if (!target.startsWith('.')) target = `./${target}`;
    return `${pre}${q}${target.endsWith('.js') ? target : `${target}.js`}${q}`;
  });
  writeFileSync(file, src);
}

const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const dep = (name) => rootPkg.dependencies[name] ?? rootPkg.devDependencies[name];
const pkg = {
  name: '@live/viewer-sdk',
  version: rootPkg.version,
  description: 'Typed client for live-commerce viewer apps (browser and React Native)',
  license: rootPkg.license,
  type: 'module',
  sideEffects: false,
  main: './lib/viewer-sdk/src/index.js',
  types: './lib/viewer-sdk/src/index.d.ts',
  exports: { '.': { types: './lib/viewer-sdk/src/index.d.ts', import: './lib/viewer-sdk/src/index.js' } },
  dependencies: {
    'socket.io-client': dep('socket.io-client'),
    '@socket.io/component-emitter': dep('@socket.io/component-emitter'),
    // the shared contract types (Overlay, Role) are zod inferences
    zod: dep('zod'),
  },
};
writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
copyFileSync(path.join(root, 'libs', 'viewer-sdk', 'README.md'), path.join(out, 'README.md'));
console.log(`built viewer-sdk -> ${path.relative(root, out)} (npm pack it, or install the folder)`);
