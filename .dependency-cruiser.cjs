// The architecture boundaries (README "Architecture"), checked by `npm run check:boundaries` and by the
// unit test test/architecture/boundaries.spec.ts, which the README test command runs with the rest of jest.
// Layers: contracts ← core ← feature libraries ← apps. A library is entered only through its index.ts
// (the `@idm/<lib>` alias); pure `engine/` folders import no Nest, no Mongoose and no I/O.

// Modules that talk to the outside world or a framework: an engine importing one is no longer pure.
// Packages are matched on their resolved path (node_modules/<name>/...), Node built-ins on their name.
const IMPURE_PACKAGES = [
  '@nestjs/',
  'mongoose/',
  'mongodb/',
  'ioredis/',
  'bullmq/',
  'modbus-serial/',
  'socket\\.io[^/]*/',
  '@socket\\.io/',
  'nodemailer/',
  'axios/',
  'node-opcua[^/]*/',
  'mqtt/',
];
const IMPURE_MODULES = [
  `(^|/)node_modules/(${IMPURE_PACKAGES.join('|')})`,
  '^(node:)?(fs|fs/promises|net|tls|dgram|http|https|http2|child_process|cluster|worker_threads|dns|readline)$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-imports-nothing-of-ours',
      comment: 'contracts is the bottom layer, shared with the client: it imports no other library or app.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^(libs/(?!contracts/)|apps/|client/)' },
    },
    {
      name: 'core-imports-only-contracts',
      comment: 'core sits on contracts only; features build on core, never the other way round.',
      severity: 'error',
      from: { path: '^libs/core/' },
      to: { path: '^(libs/(?!core/|contracts/)|apps/|client/)' },
    },
    {
      name: 'libraries-do-not-import-apps',
      comment: 'Apps are composition roots: libraries never depend on them (nor on tests).',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps/|test/|client/)' },
    },
    {
      name: 'no-sibling-internals',
      comment:
        'Another library is imported only through its index.ts (the `@idm/<lib>` alias): no `@idm/<lib>/sub/path` ' +
        'and no relative path into its folder.',
      severity: 'error',
      from: { path: '^(libs/([^/]+)/|apps/)' },
      to: {
        path: '^libs/([^/]+)/',
        pathNot: ['^libs/$2/', '^libs/[^/]+/src/index\\.ts$'],
      },
    },
    {
      name: 'engine-imports-no-nest-or-io',
      comment:
        'engine/ folders hold pure logic: no Nest, no Mongoose, no I/O modules (wire those in a provider). Their ' +
        'tests may read fixtures from disk.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/engine/', pathNot: '\\.spec\\.ts$' },
      to: { path: IMPURE_MODULES },
    },
    {
      name: 'engine-imports-only-engine-and-contracts',
      comment:
        'engine/ code imports its own engine folder and @idm/contracts only: anything else in the library may pull ' +
        'in Nest or I/O.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/engine/' },
      to: {
        path: '^(libs|apps|client)/',
        pathNot: ['^libs/$1/src/engine/', '^libs/contracts/src/'],
      },
    },
    {
      name: 'client-imports-only-contracts',
      comment: 'The browser client shares wire types with the server (@idm/contracts) and nothing else of it.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(libs/(?!contracts/)|apps/)' },
    },
    {
      name: 'client-features-are-independent',
      comment: 'A client feature never imports another: shared pieces go to client/src/components or client/src/lib.',
      severity: 'error',
      from: { path: '^client/src/features/([^/]+)/' },
      to: { path: '^client/src/features/', pathNot: '^client/src/features/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'Dependency cycles make module start order fragile (Nest needs forwardRef) and hide layering mistakes.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve would also hide a boundary violation.',
      severity: 'error',
      from: { path: '^(libs|apps|client/src)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/'] },
    // Type-only imports count too: a type import across a boundary is still a dependency on its owner.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
