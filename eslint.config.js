import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import storybook from 'eslint-plugin-storybook';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Folder boundaries (docs/architecture.md): browser code never imports server code, the SDK never imports React
// or the widget, server code never imports browser code, and the leaf folders every side imports (src/mx, MX's
// vocabulary; src/contract, the host contract) import nothing at all.
const SERVER = ['**/server/**', 'hono', 'hono/*', '@hono/*', 'node:*'];
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: ['dist', 'storybook-static', 'public/mockServiceWorker.js', 'node_modules', 'src/mx/mxTypes.generated.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  ...pluginQuery.configs['flat/recommended'],
  ...storybook.configs['flat/recommended'],
  {
    // One import order, simple-import-sort's (`npm run format` applies it; lint checks it).
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: { 'simple-import-sort/imports': 'error', 'simple-import-sort/exports': 'error' },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/server/**', 'test/**', 'scripts/**', 'examples/**', 'bench/**', '*.config.*', '.storybook/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/widget/**', 'src/api/**', 'src/protocol/**', 'src/frame/**', 'src/demo/**', 'src/index.ts'],
    rules: restrict(SERVER, 'Browser code must not import server code (proxy, sandbox, Node built-ins).'),
  },
  {
    files: ['src/mx/**', 'src/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Anything but a sibling file: no packages, no parent folders. Every part of the package imports these
          // folders (the SDK included, on a 2 kB budget), so one import here would land in all of them.
          patterns: [
            { regex: '^(?!\\./)', message: 'src/mx and src/contract are dependency-free leaves: only sibling files.' },
          ],
        },
      ],
    },
  },
  {
    // Inside the widget the arrows point down: steps → fields → ui, lib. Listed again with SERVER because a later
    // no-restricted-imports replaces the earlier one for the same files.
    files: ['src/widget/ui/**', 'src/widget/lib/**'],
    rules: restrict(
      [...SERVER, '**/fields/**', '**/steps/**'],
      "widget/ui and widget/lib are the widget's leaves: they never import fields/ or steps/ (docs/architecture.md).",
    ),
  },
  {
    files: ['src/sdk/**'],
    rules: restrict(
      [...SERVER, 'react', 'react/*', 'react-dom', 'react-dom/*', '**/widget/**', '**/api/**', '@tanstack/*'],
      'The SDK is framework-free: it may import only src/protocol and src/contract.',
    ),
  },
  {
    files: ['src/server/**'],
    ignores: ['src/server/demo/**'],
    rules: restrict(
      ['**/widget/**', '**/sdk/**', '**/frame/**', '**/demo/**', 'react', 'react-dom', 'react/*'],
      'Server code must not import browser code.',
    ),
  },
);
