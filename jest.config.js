/** Two projects: node code (core, functions, local cloud) and the mini program page (jsdom). */
const tsJest = ['ts-jest', { isolatedModules: true, diagnostics: false }];

module.exports = {
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
      roots: ['<rootDir>/test/page'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
