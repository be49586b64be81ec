// @ts-check
// Correctness rules only: formatting belongs to Prettier (`npm run format`), so nothing here is stylistic.
// Architecture (context boundaries, domain purity, cycles) is checked by dependency-cruiser
// (.dependency-cruiser.cjs), destructive migrations by scripts/lint-migrations.cjs.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
  'test/**',
  'libs/*/src/testing/**',
  'scripts/fixtures/**',
];

const NODE_GLOBALS = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
  structuredClone: 'readonly',
};

const FLOAT_MONEY =
  'Money is never a float (DESIGN.md, Money): use Money from #monay/shared (bigint minor units, decimal strings).';

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'data/', 'coverage/', 'docs/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // Type-aware rules, limited to the few that catch real bugs in async NestJS code (a missing await on a
  // transaction or a queue call loses money or jobs silently). The full recommendedTypeChecked set is not
  // enabled: its no-unsafe-* rules flood on decorators, supertest and TypeORM results.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },

  // The web console (apps/web, its own tsconfig.json with the DOM library) runs in the browser: no Node globals.
  {
    files: ['apps/web/**'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly' } },
  },

  // Money must never be a float anywhere in the libraries.
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'parseFloat', message: FLOAT_MONEY }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Number'][property.name='parseFloat']",
          message: FLOAT_MONEY,
        },
        { selector: "MemberExpression[property.name='toFixed']", message: FLOAT_MONEY },
        { selector: "MemberExpression[computed=true][property.value='toFixed']", message: FLOAT_MONEY },
      ],
    },
  },

  {
    files: TEST_FILES,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // Command-line entry points talk to the terminal.
  {
    files: ['scripts/**', 'apps/*/src/main.ts', '*.config.{js,cjs,mjs}'],
    rules: { 'no-console': 'off' },
  },

  // Plain CommonJS files (configs, scripts).
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: NODE_GLOBALS },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: NODE_GLOBALS },
  },
]);
