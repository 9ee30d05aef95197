// @ts-check
/**
 * `npm run test:reliability`: every reliability suite at full scale (10,000 fuzzed requests per
 * route, 200 reorderings, 10,000 webhooks of load, …), one suite at a time so the load figures
 * are not shared with another suite, ending with the summary table. `npm test` runs the same
 * suites at the fast scale through the `reliability` project of the root config.
 */
const process = require('node:process');

process.env.RELIABILITY_SCALE ??= 'full';

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  displayName: 'reliability',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
  globalSetup: '<rootDir>/test/reliability/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/reliability/support/global-teardown.ts',
  maxWorkers: 1,
};
