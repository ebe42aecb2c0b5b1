// Lets a plain-Node tool require the TypeScript sources (libs/contracts) with the same swc
// options as the app builds, so a generator reads the one source of truth, not a copy.
const Module = require('node:module');
const swc = require('@swc/core');
const { swcOptions } = require('../build/swc-options.cjs');

if (!Module._extensions['.ts']) {
  const options = swcOptions();
  Module._extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformFileSync(filename, { ...options, filename, sourceMaps: false });
    module._compile(code, filename);
  };
}
module.exports = (file) => require(file);
