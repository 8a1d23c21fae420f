// The layers of the source, bottom first: a module may import from its own layer and the layers below it, never above,
// and no import may close a cycle. `npm test` runs this check (bin/run-tests.js); docs/contributing.md says what
// goes where.
const CONTRACTS = '^(packaging/bundle-cache[.]js|(driver-paths|adapters|conformance)/contract[.]ts)$';

/** Bottom first; `path` is matched against a module's path from the project root. */
const LAYERS = [
  // Types, zod schemas and constant lists every layer shares, and the bundle loader that runs before TypeScript.
  { name: 'contracts', path: CONTRACTS },
  // The results model: its schema, statistics, combining and reading results files, user errors.
  { name: 'model', path: '^model/' },
  // What reaches one database: driver paths, adapters, server images and server resolution.
  { name: 'databases', path: '^(driver-paths|adapters|docker|servers)/' },
  // The engine that runs the matrix (runner, workers, loops, health, workloads, tune, conformance cases) and what
  // configures it (profiles, --set, the config file, users' modules).
  { name: 'engine', path: '^(matrix|config|conformance)/' },
  // Renderers of results: terminal tables, Markdown, HTML, diagnosis, compare.
  { name: 'reports', path: '^reports/' },
  // What people and machines call: the CLI, the API, the Jest helper, benchmarks, packaging.
  { name: 'surfaces', path: '^(api|cli|test-helper|bench|bin|packaging|examples)/' },
];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.name} may import only from ${LAYERS.slice(0, i + 1)
    .map((l) => l.name)
    .join(', ')}`,
  severity: 'error',
  from: { path: layer.path, ...(i > 0 ? { pathNot: CONTRACTS } : {}) },
  to: {
    path: LAYERS.slice(i + 1)
      .map((l) => l.path.replace(/^\^/, '^(?:') + ')')
      .join('|'),
    pathNot: CONTRACTS,
  },
}));

module.exports = {
  forbidden: [
    ...upward,
    { name: 'no-cycles', comment: 'an import that closes a cycle', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-tests-from-source',
      comment: 'the source never imports the project tests',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|test-artifacts|results)/|^dbmatrix-runs/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
