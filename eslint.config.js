import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const QUERIES_IN_REPOS = 'Queries live in repositories (*.repo.ts) or src/platform/db.';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'data/',
      'bench/results/',
      'web/build/',
      'web/.svelte-kit/',
      'test-artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Configuration is parsed once, in src/config.ts; nothing else in src reads the environment.
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config.ts.' },
      ],
    },
  },
  {
    // SQL lives in repositories: only *.repo.ts files and src/platform/db build queries.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repo.ts', 'src/platform/db/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]',
          message: QUERIES_IN_REPOS,
        },
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: QUERIES_IN_REPOS },
        {
          selector:
            "CallExpression[callee.object.name='sql'][callee.property.name=/^(raw|ref|id|lit|table|join|val)$/]",
          message: QUERIES_IN_REPOS,
        },
        // The driver itself (`database.native`: better-sqlite3 prepare/exec, the pg pool).
        { selector: "MemberExpression[property.name='native']", message: QUERIES_IN_REPOS },
      ],
      // Renaming `sql` on import, or running SQL through the dialect helpers, is a query too.
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'kysely', importNames: ['sql'], message: QUERIES_IN_REPOS }],
          patterns: [{ group: ['**/platform/db/dialect.ts'], message: QUERIES_IN_REPOS }],
        },
      ],
    },
  },
  {
    // quant/ is pure math: no I/O, no clock, no platform or feature imports.
    files: ['src/quant/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/platform/**', '**/features/**', 'node:*'] }],
    },
  },
);
