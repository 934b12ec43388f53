// ESLint (flat config) with typescript-eslint's type-aware rules for what matters here: promises
// nobody awaits, unused code, and `any` only with a stated reason. Formatting is Prettier's.
import eslintComments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'client/dist/',
      'client/generated/',
      'bench/results/',
      '.docs-examples/',
      '.data/',
      'web/src/gql/',
      '.screenshots/',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [eslintComments.recommended],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // A disabled rule says why: `// eslint-disable-next-line rule -- reason`.
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/no-unlimited-disable': 'error',
    },
  },
  prettier,
  // After eslint-config-prettier, which turns max-len off: Prettier wraps code at 120, and this
  // catches what it cannot wrap (strings, comments, template literals). Migrations are never edited.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js'],
    ignores: ['src/migrations/**'],
    rules: { 'max-len': ['error', { code: 120, tabWidth: 2 }] },
  },
  // Functions that fit on a screen where the rules live (house style).
  {
    files: ['src/domains/**/*.ts', 'workers/**/*.ts', 'resolvers/**/*.ts', 'entities/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60 }] },
  },
);
