import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests spawn real processes that burn CPU; on a 2-core machine running
    // files in parallel would make those measurements meaningless.
    fileParallelism: false,
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
  },
});
