/** @swc/jest in CommonJS mode: the set-up that loads ESM-only @nestjs 12 packages on Node 20. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j)s$': swc },
  // Other ESM-only packages go through swc like @nestjs: marked, the HTML parser under sanitize-html, and
  // file-type with its readers (evidence files are sniffed with it); OpenID Connect: openid-client (with
  // oauth4webapi and jose) and, for the tests, oidc-provider.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|marked|sanitize-html|htmlparser2|domhandler|domutils|dom-serializer|domelementtype|entities|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit|openid-client|oauth4webapi|jose|oidc-provider)/)',
  ],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60_000,
  // A worker is replaced after a file that leaves it holding more than this: Nest apps, TypeORM and Chromium
  // drivers torn down file after file left each worker at 3 GB by the end of a run, and collecting a heap that size
  // slowed every file after.
  workerIdleMemoryLimit: '1GB',
  // Known slow files first when jest has no timings of its own yet (a clean clone): see the file.
  testSequencer: '<rootDir>/test/support/test-sequencer.cjs',
};
