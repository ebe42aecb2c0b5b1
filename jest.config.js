// Two projects: unit (`*.spec.ts` beside the code, no services) and integration
// (`*.int-spec.ts` / `*.e2e-spec.ts` under test/, against the real Kafka, Redis and Postgres
// that tools/ starts). `npm test` runs both through tools/test/test.mjs, which gives the run
// its own Redis phase, database and topic prefix.
const { swcOptions, paths } = require('./tools/build/swc-options.cjs');

const transform = {
  // Nest 12 ships ESM only; Jest's module system needs CommonJS, so swc converts it too.
  '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swcOptions({ rewritePaths: false }), swcrc: false }],
};
const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);
const common = {
  rootDir: __dirname,
  transform,
  moduleNameMapper,
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/test/**/*.{int,e2e}-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/platform/testing/src/require-test-env.ts'],
      slowTestThreshold: 30,
    },
    // the Helm chart rendered by Helm 4 (no cluster needed): charts/*/tests/*.spec.ts
    { ...common, displayName: 'chart', testMatch: ['<rootDir>/charts/**/tests/**/*.spec.ts'] },
  ],
};
