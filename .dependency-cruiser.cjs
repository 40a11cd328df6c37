// @ts-check
/**
 * The layers of Partner Returns, written down once: `npm run lint` runs dependency-cruiser with these rules
 * after eslint (see the README, Architecture). Each lib (libs/<name>) is entered only through its
 * src/index.ts, and may import only libs of lower layers; libs of one layer do not import each other.
 *
 *   apps, scripts, bench, test
 *     -> web
 *     -> auth | reporting | chasing        (features that build on returns)
 *     -> returns                           (cycles and returns: decide/evolve)
 *     -> plan                              (partnerships, agencies, plans)
 *     -> signals                           (what operators watch: metrics read from the layers below)
 *     -> http | projections | queues       (the HTTP edge, read-model rebuild, queues and reactions)
 *     -> mail
 *     -> event-store
 *     -> database
 *     -> config
 *     -> kernel                            (Actor, DomainError, envelope, ids, clock, chase policy; imports no lib)
 */
const LAYERS = [
  ['web'],
  ['auth', 'reporting', 'chasing'],
  ['returns'],
  ['plan'],
  ['signals'],
  ['http', 'projections', 'queues'],
  ['mail'],
  ['event-store'],
  ['database'],
  ['config'],
  ['kernel'],
];

const lib = (name) => `^libs/${name}/`;
const any = (names) => (names.length ? `^libs/(${names.join('|')})/` : '^$');

/** For each lib: it may not import a lib of its own layer or of any layer above it. */
const direction = LAYERS.flatMap((layer, i) =>
  layer.map((name) => ({
    name: `layers:${name}`,
    comment: `libs/${name} may import only libs of lower layers: ${LAYERS.slice(i + 1)
      .flat()
      .join(', ')}`,
    severity: 'error',
    from: { path: lib(name) },
    to: {
      path: any(
        LAYERS.slice(0, i + 1)
          .flat()
          .filter((other) => other !== name),
      ),
    },
  })),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-deep-import',
      comment:
        'Another lib is entered only through its src/index.ts (its door), from apps, scripts, bench and tests too.',
      severity: 'error',
      from: { path: '^(libs/[^/]+/|apps/|scripts/|bench/|test/)' },
      to: { path: '^libs/[^/]+/', pathNot: ['^$1', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'no-own-door',
      comment: "A lib's own files import each other directly, never through its index (that makes cycles).",
      severity: 'error',
      from: { path: '^(libs/[^/]+)/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
      to: { path: '^$1/src/index\\.ts$' },
    },
    {
      name: 'no-cross-lib-cycle',
      comment: 'No import cycle may pass through another lib.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { circular: true, via: { pathNot: '^libs/$1/' } },
    },
    {
      name: 'no-cycle',
      comment: 'No import cycle at all, inside a lib or an app either.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-imports-no-lib',
      comment: 'The shared kernel imports no other lib.',
      severity: 'error',
      from: { path: lib('kernel') },
      to: { path: '^libs/', pathNot: lib('kernel') },
    },
    {
      name: 'infrastructure-imports-no-feature',
      comment:
        'libs/database, libs/queues, libs/signals (and the rest of the infrastructure) import no feature lib.',
      severity: 'error',
      from: {
        path: any(['signals', 'http', 'projections', 'queues', 'mail', 'event-store', 'database', 'config']),
      },
      to: { path: any(['web', 'auth', 'reporting', 'chasing', 'returns', 'plan']) },
    },
    {
      name: 'libs-import-no-app',
      comment:
        'Libs never import apps, scripts or benchmarks; a lib spec may use test/support and test/fixtures.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|scripts|bench|test)/', pathNot: '^test/(support|fixtures)/' },
    },
    {
      name: 'only-specs-use-test-support',
      comment: 'Product code never imports test support or fixtures.',
      severity: 'error',
      from: { path: '^(libs|apps)/', pathNot: '\\.(spec|e2e-spec)\\.ts$' },
      to: { path: '^test/' },
    },
    ...direction,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
