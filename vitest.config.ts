import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // CLI tests mostly wait on child processes: two files at a time keeps both cores busy.
    maxWorkers: 2,
    restoreMocks: true,
  },
});
