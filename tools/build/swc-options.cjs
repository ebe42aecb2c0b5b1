// One swc configuration for the app builds and for Jest, so what is tested is what ships.
// swc (not tsc) because it keeps Nest's decorator metadata and is fast on 2 cores;
// type-checking is `npm run typecheck` (tsc --noEmit).
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));

function swcOptions({ rewritePaths = true } = {}) {
  return {
    sourceMaps: true,
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      // swc turns `@live/x` into relative paths at compile time; plain `node` runs the output.
      ...(rewritePaths ? { baseUrl: root, paths: compilerOptions.paths } : {}),
    },
  };
}

module.exports = { root, swcOptions, paths: compilerOptions.paths };
