import type { Config } from 'jest';

/** tsconfig sets isolatedModules, so ts-jest transpiles file by file; `npm test` type-checks the whole tree once first. */
const transform: Config['transform'] = { '^.+\\.ts$': 'ts-jest' };

/**
 * The package's own name, as examples/ import it, means the sources here (as tsconfig's paths say), never dist/: a
 * leftover dist/ would test an old build, and with none (a fresh clone) loading an example workload inside jest, with
 * tsx registered and package.json's exports pointing at files not built, aborted the test process (V8 "invalid size").
 */
const moduleNameMapper: Config['moduleNameMapper'] = { '^dbmatrix$': '<rootDir>/api/index.ts', '^dbmatrix/jest$': '<rootDir>/test-helper/jest.ts' };

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'suite',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/suite/**/*.test.ts'],
      globalSetup: '<rootDir>/test/suite/global-setup.ts',
      globalTeardown: '<rootDir>/test/suite/global-teardown.ts',
    },
    {
      // The packed package installed in a new project, run against the same servers.
      displayName: 'package',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/package/**/*.test.ts'],
      globalSetup: '<rootDir>/test/suite/global-setup.ts',
      globalTeardown: '<rootDir>/test/suite/global-teardown.ts',
    },
    {
      // Reports made from real runs of the selected adapters, on the servers the suite's setup resolves.
      displayName: 'reports',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/reports/**/*.test.ts'],
      globalSetup: '<rootDir>/test/suite/global-setup.ts',
      globalTeardown: '<rootDir>/test/suite/global-teardown.ts',
    },
  ],
  testTimeout: 120_000,
};

export default config;
