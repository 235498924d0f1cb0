/** Two projects: node code (core, functions, local cloud) and the mini program page (jsdom). */
// Type errors are tsc's job (npm run typecheck); ts-jest only transpiles (isolatedModules in tsconfig).
const tsJest = ['ts-jest', { diagnostics: false }];

module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/page/'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'page',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/page/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
