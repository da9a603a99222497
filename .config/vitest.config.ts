import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// The test files that share the run's one PostgreSQL server (test/helpers/postgres-global.ts starts
// it only when one of them runs; each file gets a database of its own with fileDatabase()). Files
// that stop, restart or crash a server start their own and stay in the "unit" project.
const POSTGRES_FILES = [
  'test/stores/postgres/by.test.ts',
  'test/stores/postgres/cli.test.ts',
  'test/stores/postgres/cli-edges.test.ts',
  'test/stores/postgres/contract.test.ts',
  'test/stores/postgres/pools.test.ts',
  'test/stores/postgres/ready.test.ts',
  'test/stores/remote/postgres-contract.test.ts',
  'test/stores/remote/processes.test.ts',
];

// Type tests (test/**/*.test-d.ts, expectTypeOf) are not run here: `npm run typecheck`, the first step
// of `npm test`, checks them with the rest of test/ (tsconfig.json), so a broken type fails the run.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/persona-pool/vitest.json' }]],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 95, branches: 90, functions: 95, statements: 95 },
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...POSTGRES_FILES] } },
      { extends: true, test: { name: 'postgres', include: POSTGRES_FILES, globalSetup: ['test/helpers/postgres-global.ts'] } },
    ],
  },
});
