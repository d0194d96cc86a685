// Two projects: `unit` (pure logic beside the code, no services) and `integration` (test/, real services).
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

// node-opcua requires hexy, an ES module Node loads but Jest's CommonJS runtime cannot: compile it like our code.
const transform = { '^.+\\.ts$': swc, '/node_modules/hexy/.+\\.js$': swc };
const transformIgnorePatterns = ['/node_modules/(?!hexy/)'];

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
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/bench/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      slowTestThreshold: 20,
    },
  ],
};
