// Jest runs TypeScript as native ESM (client-node 2.x is ESM-only): ts-jest's
// ESM preset transpiles each file (type checking is `make lint`'s job) and
// Node's --experimental-vm-modules loads the result. Imports keep the `.js`
// suffix NodeNext requires; the mapper strips it for ts-jest.
const tsJest = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: tsJest,
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  // Per-test limit for the slow tiers (a project cannot set its own); unit tests finish in ms.
  testTimeout: 300_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/support/failure-env.js',
      slowTestThreshold: 60,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/support/failure-env.js',
      slowTestThreshold: 120,
    },
  ],
};
