// @ts-check
/**
 * Three projects: `unit` (pure, no I/O, milliseconds), `integration` (real DynamoDB Local and
 * local SQS, started once per run by the global setup) and `reliability` (the reliability suites
 * against the running local stack, at the fast scale; `npm run test:reliability` runs them at
 * full scale). `npm test` runs all three.
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
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
