// Two projects: `unit` (pure logic beside the code, no services) and `integration` (test/, real services).
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

const moduleNameMapper = {
  '^@idm/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@idm/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/bench/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      slowTestThreshold: 20,
    },
  ],
};
