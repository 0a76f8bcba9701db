import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layer table of ARCHITECTURE.md: which src/ folders each may import from.
 * version.ts is a leaf anyone may use. A rule per layer forbids the rest.
 */
const LAYERS = {
  core: [],
  collect: ['core'],
  analysis: ['core'],
  protocol: ['core'],
  store: ['core', 'protocol'],
  transport: ['core', 'protocol', 'store'],
  session: ['core', 'analysis', 'store'],
  ui: ['core', 'analysis', 'session'],
};
/** What tsconfig.json covers: the files the type-aware rules can read types for. */
const TYPED = ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'];
const ALL = ['core', 'collect', 'analysis', 'protocol', 'store', 'transport', 'session', 'ui', 'commands'];
const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => {
  const forbidden = ALL.filter((l) => l !== layer && !allowed.includes(l));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...forbidden.map((l) => `**/${l}/*`), '**/cli', '**/cli.js', '**/cli-args.js', '**/cli-flags.js'],
              message: `${layer}/ may import only ${allowed.length ? allowed.join(', ') : 'nothing of tmon'} (and version.ts): see the layer table in ARCHITECTURE.md.`,
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Type-aware rules: floating promises, awaits of non-promises, unsafe any, needless assertions.
  ...tseslint.configs.recommendedTypeCheckedOnly.map((c) => ({ ...c, files: TYPED })),
  {
    files: TYPED,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    // An async close() that has nothing to await still keeps its interface's promise: not a defect.
    rules: {
      '@typescript-eslint/require-await': 'off',
      // It reads the index types without noUncheckedIndexedAccess and calls needed assertions needless.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // expect.any() and friends are typed any by vitest itself.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-member-access': 'off' },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='platform']",
          message: 'Only src/collect/platform.ts may read process.platform.',
        },
      ],
    },
  },
  {
    files: ['src/collect/platform.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Small units (issue 10): no function over ~80 lines.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  ...layerRules,
  {
    // The browser page (web/) bundles only the browser-safe layers (no-undef is off for TypeScript: tsc knows the DOM).
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/collect/*', '**/store/*', '**/transport/*', '**/session/*', '**/ui/*', '**/commands/*', '**/cli*', 'node:*'],
              message: 'web/ may import only core, analysis and protocol (browser-safe, no Node): see ARCHITECTURE.md.',
            },
          ],
        },
      ],
    },
  },
);
