// Architecture rules (STYLE.md, "Boundaries"; DESIGN.md, "Shape"), after domain-driven-hexagon's
// .dependency-cruiser.js. Run by `npm run lint` as `depcruise apps libs --config .dependency-cruiser.cjs`.
//
// Paths are relative to the repository root. `#monay/<lib>` is resolved through package.json "imports" with
// the `monay-src` condition, so a cross-context import resolves to libs/<lib>/src/index.ts.

const TEST_FILE = String.raw`\.(?:spec|int-spec|e2e-spec)\.ts$`;
const TESTING_CODE = String.raw`(?:^|/)testing/`;
// Interface code: HTTP controllers and guards, request/response DTOs (in interface/ folders, or in a use-case
// folder beside the handler they call). A Socket.IO gateway is not counted: it is also the outbound channel
// the realtime publisher sends through (server → client), not only an entry point.
const INTERFACE_CODE = String.raw`(?:/interface/|\.(?:controller|dto)\.ts$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Circular dependency. Break it with dependency inversion, an event, or by moving the shared piece down ' +
        '(into the domain or libs/shared). Cycles made only of type-only imports are tolerated: they vanish at runtime.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-context-internals',
      severity: 'error',
      comment:
        'A lib may use another lib only through its public surface: `#monay/<lib>` (libs/<lib>/src/index.ts) or ' +
        'another entry point named in package.json "imports" (such as `#monay/kernel`), never by a path into ' +
        'libs/<lib>/src, not even to its index.ts. Export what you need from the index, or talk through a ' +
        'command, query or event.',
      from: { path: '^libs/([^/]+)/src/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: ['^libs/$1/src/', '^libs/[^/]+/src/testing/'],
        dependencyTypesNot: ['aliased-subpath-import'],
      },
    },
    {
      name: 'no-own-barrel',
      severity: 'error',
      comment:
        "Code inside a lib must not import its own lib through `#monay/<lib>`: the barrel re-imports the file's " +
        'own module graph, and NestJS then sees undefined classes in decorators. Use a relative import.',
      from: { path: '^libs/([^/]+)/src/' },
      to: { path: String.raw`^libs/$1/src/index\.ts$`, dependencyTypes: ['aliased-subpath-import'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'Domain code holds the rules and knows nothing of persistence, transport or queues: no infrastructure/ or ' +
        'interface/ code, no TypeORM, pg, ioredis, BullMQ or Express. Put a port in the domain or application layer ' +
        'and implement it in infrastructure/.',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: {
        path: [
          '^libs/[^/]+/src/(?:infrastructure|interface)/',
          '(?:^|/)node_modules/(?:@types/)?(?:typeorm|pg|ioredis|bullmq|express)/',
          '(?:^|/)node_modules/@nestjs/(?:typeorm|platform-express)/',
          // unresolvable bare specifiers still count
          '^(?:typeorm|pg|ioredis|bullmq|express|@nestjs/typeorm|@nestjs/platform-express)(?:/|$)',
        ],
      },
    },
    {
      name: 'application-not-to-interface',
      severity: 'error',
      comment:
        'Application code (handlers, services, engines, repositories) does not import interface code (controllers, ' +
        'interface/ folders, request/response DTOs): the interface calls the application, never the other way round. Give ' +
        'the handler a command or query of plain data, and keep HTTP shapes in the interface.',
      from: {
        path: '^libs/[^/]+/src/',
        pathNot: [INTERFACE_CODE, String.raw`\.module\.ts$`, String.raw`^libs/[^/]+/src/index\.ts$`, TEST_FILE, TESTING_CODE],
      },
      to: { path: INTERFACE_CODE },
    },
    {
      name: 'domain-stays-in-domain',
      severity: 'error',
      comment:
        "A context's domain code imports only its own domain (and other libs' public surfaces): not the use cases, " +
        'repositories or routes beside it, wherever they live.',
      from: { path: '^libs/([^/]+)/src/domain/', pathNot: [TEST_FILE] },
      to: { path: '^libs/$1/src/', pathNot: ['^libs/$1/src/domain/'] },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment:
        'A module nothing imports is dead code (or a file someone forgot to wire in). Delete it, or import it where it ' +
        'belongs. Entry points (main.ts, index.ts), specs and declaration files are exempt.',
      from: {
        orphan: true,
        pathNot: [
          TEST_FILE,
          String.raw`\.d\.ts$`,
          String.raw`(?:^|/)index\.ts$`,
          String.raw`^apps/[^/]+/src/main\.ts$`,
          String.raw`(?:^|/)tsconfig\.json$`,
        ],
      },
      to: {},
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Libraries are used by the apps, never the other way round. Move the shared code into a lib.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-use-public-surface',
      severity: 'error',
      comment:
        'Apps compose contexts through `#monay/<lib>` (and the other entry points in package.json "imports"), ' +
        'not through paths into libs/<lib>/src.',
      from: { path: '^apps/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: ['^libs/[^/]+/src/testing/'],
        dependencyTypesNot: ['aliased-subpath-import'],
      },
    },
    {
      name: 'not-to-test-code',
      severity: 'error',
      comment:
        'Production code must not import specs, testing/ helpers or the e2e suite: they are not built, and ' +
        'would ship test doubles to production.',
      from: { path: '^(?:apps|libs)/', pathNot: [TEST_FILE, TESTING_CODE] },
      to: { path: [TEST_FILE, TESTING_CODE, '^test/'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'This import cannot be resolved. A `#monay/<lib>` import needs libs/<lib>/src/index.ts to exist.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'web-console-through-the-public-api-only',
      severity: 'error',
      comment:
        'The web console (apps/web) is a client of the public HTTP API and the /ws socket: it never imports the ' +
        'backend (libs/*, apps/api, apps/worker), only its own code, its generated route table and browser packages.',
      from: { path: '^apps/web/' },
      to: { path: '^(?:libs|apps/(?!web/))' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'Production code depends on a devDependency, which `npm prune --omit=dev` removes from the image. ' +
        'Move the package to "dependencies" in package.json.',
      // The web console (apps/web) is bundled by Vite at build time: its packages are devDependencies on purpose.
      from: { path: '^(?:apps|libs)/', pathNot: [TEST_FILE, TESTING_CODE, '^apps/web/'] },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only'],
        pathNot: ['node_modules/@types/'],
      },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment:
        "This package is not in package.json: it is only there as some other package's dependency and can vanish " +
        'or change version under us. Add it to "dependencies".',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^dist/', '^data/', '^coverage/'] },
    moduleSystems: ['cjs', 'es6'],
    // type-only imports are dependencies too: a domain file must not even type-import TypeORM
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // `monay-src` first: `#monay/<lib>` resolves to libs/<lib>/src/index.ts, not to dist/
      conditionNames: ['monay-src', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
      archi: {
        collapsePattern: '^(?:apps|libs)/[^/]+|node_modules/(?:@[^/]+/[^/]+|[^/]+)',
      },
    },
  },
};
