/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 30000,
  // One migrated PGlite store, copied by the tests that need a fresh one (test/support/test-store.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // This run's schemas on the PostgreSQL server go at its end (test/support/stores.ts testSchemaName).
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Longest files first, also on a clean clone with no timing cache (test/support/sequencer.js).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // Integration tests start real HTTP servers and databases; two workers match the CI machine.
  maxWorkers: 2,
};
