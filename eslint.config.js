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
  ui: ['core', 'analysis'],
};
const ALL = ['core', 'collect', 'analysis', 'protocol', 'store', 'transport', 'ui', 'commands'];
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
              group: [...forbidden.map((l) => `**/${l}/*`), '**/cli', '**/cli.js', '**/cli-args.js'],
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
  ...layerRules,
);
