/**
 * The layering of src/, checked by `npm run depcheck`:
 * - domain/ holds rules and errors: no Nest, no TypeORM, no HTTP, nothing of its own module's
 *   other layers;
 * - a module reaches another module only through what that module exports (its service, its
 *   decorators), never into its persistence/ (entities) or its http/ controllers;
 * - the idempotency module imports nothing from the feature modules that use it;
 * - common/ depends on no feature module.
 */
const FEATURES = '(clubs|groups|members|attendance|audit|health)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds plain rules: no framework, no database, no HTTP layer.',
      severity: 'error',
      from: { path: '^src/[^/]+/domain/' },
      to: {
        path: [
          '^node_modules/(@nestjs|typeorm|express|class-validator|class-transformer)',
          '/(persistence|http)/',
        ],
      },
    },
    {
      name: 'no-foreign-persistence',
      comment: "Another module's entities and queries are private to it.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/persistence/', pathNot: ['^src/$1/persistence/', '^src/common/'] },
    },
    {
      name: 'no-foreign-controllers',
      comment: "Another module's controllers are private to it; its decorators are not.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/([^/]+)/http/.+[.]controller[.]ts$',
        pathNot: '^src/$1/',
      },
    },
    {
      name: 'idempotency-is-reusable',
      comment: 'The idempotency module serves any Nest service: it knows no feature module.',
      severity: 'error',
      from: { path: '^src/idempotency/' },
      to: { path: `^src/${FEATURES}/` },
    },
    {
      name: 'common-knows-no-feature',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: `^src/(${FEATURES.slice(1, -1)}|idempotency)/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js'],
    },
  },
};
