import type { Config } from 'jest';

/** tsconfig sets isolatedModules, so ts-jest transpiles file by file; `npm test` type-checks the whole tree once first. */
const transform: Config['transform'] = { '^.+\\.ts$': 'ts-jest' };

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'suite',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/suite/**/*.test.ts'],
      globalSetup: '<rootDir>/test/suite/global-setup.ts',
      globalTeardown: '<rootDir>/test/suite/global-teardown.ts',
    },
    {
      // The packed package installed in a new project, run against the same servers.
      displayName: 'package',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/package/**/*.test.ts'],
      globalSetup: '<rootDir>/test/suite/global-setup.ts',
      globalTeardown: '<rootDir>/test/suite/global-teardown.ts',
    },
    {
      // Reports made from real runs of the selected adapters, on the servers the suite's setup resolves.
      displayName: 'reports',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/reports/**/*.test.ts'],
      globalSetup: '<rootDir>/test/suite/global-setup.ts',
      globalTeardown: '<rootDir>/test/suite/global-teardown.ts',
    },
  ],
  testTimeout: 120_000,
};

export default config;
