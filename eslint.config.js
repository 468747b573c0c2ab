import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronBan = {
  name: 'electron',
  message: 'Bad layering: the core and the contract run in plain Node. Put Electron code in src/main/electron/.',
};

/** The core's folders and root modules, for the layering rules below. */
const CORE_FOLDERS = ['admin', 'alerts', 'budgets', 'dashboard', 'export', 'keys', 'ledger', 'polling', 'pricing', 'providers', 'proxy', 'secrets', 'settings', 'store', 'time', 'tokens', 'tray', 'util'];
const CORE_ROOT = ['create-core', 'status-api', 'headless', 'cli-options'];
const anywhere = (name) => (CORE_ROOT.includes(name) ? `**/${name}.js` : `**/${name}/**`);
const layer = (rule) => `Bad layering: ${rule}.`;

/** no-restricted-imports for a core folder: the electron ban, plus that folder's own pattern. */
function coreImports(extra) {
  const patterns = [{ group: ['**/electron/**'], message: electronBan.message }];
  if (extra) patterns.push(extra);
  return { 'no-restricted-imports': ['error', { paths: [electronBan], patterns }] };
}

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
    // The boundary that keeps headless mode and tests free of Electron.
    files: ['src/main/core/**/*.ts', 'src/main/contract/**/*.ts'],
    rules: coreImports(),
  },
  // Layers inside the core, as VS Code's layering rule has between its own: what a folder may not import.
  // A later block replaces no-restricted-imports for its files, so each one carries the electron ban too.
  {
    files: ['src/main/core/util/**/*.ts'],
    rules: coreImports({ group: [...CORE_FOLDERS.filter((f) => f !== 'util'), ...CORE_ROOT].map(anywhere), message: layer('util/ imports nothing from the rest of the core (the contract\'s types are fine)') }),
  },
  {
    files: ['src/main/core/pricing/**/*.ts'],
    rules: coreImports({ group: [...CORE_FOLDERS.filter((f) => f !== 'util' && f !== 'pricing'), ...CORE_ROOT].map(anywhere), message: layer('pricing/ imports only util/ (and the contract)') }),
  },
  {
    // Providers know nothing of the proxy, budgets or the ledger. Polling defines what a provider's usage
    // source implements (types.ts), the HTTP client it gets (provider-client.ts) and the bucket time helpers
    // (buckets.ts); the rest of polling is off limits.
    files: ['src/main/core/providers/**/*.ts'],
    rules: coreImports({
      group: ['proxy', 'budgets', 'ledger', 'polling'].map(anywhere).concat(['!**/polling/types.js', '!**/polling/provider-client.js', '!**/polling/buckets.js']),
      message: layer('providers/ may not import the proxy, budgets, the ledger, or polling beyond its types.ts, provider-client.ts and buckets.ts'),
    }),
  },
  {
    files: ['src/main/core/ledger/**/*.ts'],
    rules: coreImports({ group: ['proxy', 'budgets'].map(anywhere), message: layer('ledger/ may not import the proxy or budgets') }),
  },
  {
    // Budgets admit requests through the types in proxy/admission.ts; the proxy's implementation is not theirs.
    files: ['src/main/core/budgets/**/*.ts'],
    rules: coreImports({ group: [anywhere('proxy'), '!**/proxy/admission.js'], message: layer('budgets/ may import only the admission types from proxy/') }),
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
    // Shared by main and the renderer, so it may use neither's runtime: pure data and functions, contract types.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            { group: ['node:*', '**/main/core/**', '**/main/electron/**', '**/renderer/**'], message: 'src/shared runs in main and in the renderer: pure code, and the contract\'s types.' },
            { group: ['**/main/contract/**'], allowTypeImports: true, message: 'Import the contract with `import type`.' },
          ],
        },
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
