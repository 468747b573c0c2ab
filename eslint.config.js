import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronBan = {
  name: 'electron',
  message: 'Bad layering: the core and the contract run in plain Node. Put Electron code in src/main/electron/.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The boundary that keeps headless mode and tests free of Electron (ARCHITECTURE.md).
    files: ['src/main/core/**/*.ts', 'src/main/contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan], patterns: [{ group: ['**/electron/**'], message: electronBan.message }] }] },
  },
  {
    files: ['src/main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronBan], patterns: [{ group: ['node:*', '**/core/**', '**/electron/**'], message: 'The contract is types only, shared with the renderer.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a sandboxed page: no Node modules.' },
            { group: ['**/main/core/**', '**/main/electron/**'], message: 'The renderer talks to main only through the contract (src/main/contract), with type imports.' },
            { group: ['**/main/contract/**'], allowTypeImports: true, message: 'Import the contract with `import type`.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
