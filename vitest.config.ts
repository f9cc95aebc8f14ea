import { defineConfig } from 'vitest/config';

// Two projects: `unit` (*.test.ts, no servers) and `integ` (*.integ.test.ts, against the real
// servers started by scripts/testenv). Sources are imported directly through the
// `@eksa-credprov/source` export condition, so tests never need a build.
const shared = {
  resolve: { conditions: ['@eksa-credprov/source'] },
  ssr: { resolve: { conditions: ['@eksa-credprov/source'] } },
};

export default defineConfig({
  test: {
    // 2 cores on the CI machines: keep parallelism modest.
    maxWorkers: 2,
    restoreMocks: true,
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'examples/*/src/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['**/*.integ.test.ts', '**/node_modules/**'],
        },
      },
      {
        ...shared,
        test: {
          name: 'integ',
          // One file at a time: the fault tests stop and restart the shared API server.
          fileParallelism: false,
          include: ['packages/*/src/**/*.integ.test.ts', 'examples/*/src/**/*.integ.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
