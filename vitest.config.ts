import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Test groups (DESIGN §5.9):
//   unit      *.test.ts                 pure code and DB code on PGlite (in-process)
//   postgres  *.db.test.ts              the DB suite again, on a real PostgreSQL server (test/postgres-setup.ts)
//   k8s       *.k8s.test.ts             integration tests against the local control plane (testbed/)
//   sdk       *.sdk.test.ts             differential tests against the official Azure ML Python SDK (cached venv)
//   nginx     *.nginx.test.ts           the inference router's generated config run by a real nginx on loopback
// Select a group with `vitest run --project <name>`; `npm test` runs them all.
const alias = {
  'server-only': fileURLToPath(new URL('./test/empty-module.ts', import.meta.url)),
  '@': fileURLToPath(new URL('./', import.meta.url)),
};
const exclude = ['**/node_modules/**', '.next/**', '.next-e2e/**', 'e2e/**', '.data/**', '.testbed/**', 'test-results/**'];

export default defineConfig({
  resolve: { alias },
  test: {
    // Two files at a time even on a 2-core machine (vitest's default there is one): the local-Kubernetes files,
    // one at a time among themselves (fileParallelism: false below), mostly wait for the control plane while a
    // database file runs beside them. HM_VITEST_WORKERS overrides it.
    maxWorkers: Number(process.env.HM_VITEST_WORKERS) || 2,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, '**/*.k8s.test.ts', '**/*.sdk.test.ts', '**/*.nginx.test.ts'],
          environment: 'node',
          env: { HM_TEST_DB: 'pglite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'postgres',
          include: ['**/*.db.test.ts'],
          exclude,
          environment: 'node',
          env: { HM_TEST_DB: 'postgres' },
          globalSetup: ['./test/postgres-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'k8s',
          include: ['**/*.k8s.test.ts'],
          exclude,
          environment: 'node',
          globalSetup: ['./testbed/vitest-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'sdk',
          include: ['**/*.sdk.test.ts'],
          exclude,
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'nginx',
          include: ['**/*.nginx.test.ts'],
          exclude,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
