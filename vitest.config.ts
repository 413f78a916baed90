import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/postgres/ holds what only PostgreSQL does (store copy): it runs in `npm run test:postgres`.
    exclude: ['**/node_modules/**', ...(/^postgres(ql)?:\/\//.test(process.env['REPOCLASH_TEST_STORE'] ?? '') ? [] : ['test/postgres/**'])],
    // Integration tests build repos with rpmbuild/createrepo_c and run real dnf/apt: give them room.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: run files in parallel but not so many that rpmbuild runs starve each other.
    maxWorkers: 2,
    // The JSON report is what CI counts (`.ci/run` prints `N passed, N failed` from it).
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
