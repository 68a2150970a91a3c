// ESLint for the whole tree: typescript-eslint's `recommended` (not the
// type-checked preset: it is too slow on two cores), plus the React hooks
// rules for apps/web. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
      'e2e/bench/results/**',
      '**/.nslab-data/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_` marks a parameter or binding kept for its position (a callback's signature, a rest split).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `!` is used where a lookup is known to succeed (an index just checked, a node the topology validated).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Control characters in regular expressions are deliberate: parsing terminal and `ip` output.
      'no-control-regex': 'off',
      // An empty catch in a retry loop (wait until the server answers) says "try again"; an empty block elsewhere is still an error.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Tests feed deliberately malformed input (`as any`) to see it refused.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Playwright runs the bodies of `page.evaluate` in the browser.
    files: ['e2e/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The classic hooks rules only. The plugin's other rules (purity, refs, set-state-in-effect, …) are written for
    // code compiled by the React Compiler, which we do not use; here they flag deliberate patterns such as syncing
    // React Flow's nodes from the store in an effect and a ref to the latest value written during render.
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
