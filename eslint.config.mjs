// Flat config. Module boundaries are the point: apps import libs only through @live/*,
// never another app; contracts depend on nothing; platform libs only on contracts and
// each other; data-access libs on contracts and platform.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Scopes: a project of one domain uses its own domain's libs, the shared ones (contracts,
// platform), and of another domain only a lib its owner publishes for others to read
// (`access:public`: the classes that own a piece of state, e.g. ChatLog, BurstCounters).
const SCOPES = ['chat', 'management', 'burst', 'realtime', 'analytics', 'video'];

export default [
  { ignores: ['**/dist', '**/node_modules', '.cache', '.data', '.nx', 'coverage', 'bench/results'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
            // the viewer SDK ships to browsers and phones: contracts (types) only, no server code
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:contracts'] },
            // the web apps (browser bundles) use the SDK and the contracts, nothing server-side
            { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:sdk', 'type:contracts'] },
            // browser tests of the web apps start the real backend through platform/testing
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:sdk'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:data-access'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            ...SCOPES.map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared', 'access:public'] })),
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      // contracts is imported by everything; it may use zod and nothing else.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', 'kafkajs', 'ioredis', 'typeorm', 'pg', 'socket.io'], message: 'contracts depends on nothing but zod' }] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', 'libs/platform/testing/**/*.ts', 'tools/**/*', '*.config.js'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
];
