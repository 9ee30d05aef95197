// @ts-check
/**
 * Four projects: `unit` (pure, no I/O, milliseconds), `infra` (the CDK template tests: each file
 * synthesizes the app, seconds apiece, so they are kept out of `unit` and `npm run test:quick`
 * stays fast), `integration` (real DynamoDB Local and local SQS, started once per run by the
 * global setup) and `reliability` (the reliability suites against the running local stack, at the
 * fast scale; `npm run test:reliability` runs them at full scale). `npm test` runs all four.
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests talk to real servers on a shared machine: creating a table with its indexes
  // alone can take seconds under load. Tests assert behaviour and counts, never time.
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/infra/'],
    },
    {
      displayName: 'infra',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/infra/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'reliability',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
      globalSetup: '<rootDir>/test/reliability/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/reliability/support/global-teardown.ts',
    },
  ],
};
