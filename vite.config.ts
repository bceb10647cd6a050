// The one Vite config (issue 17 §2): every build and the Vitest projects, chosen by `--mode`. Each build needs its own
// Vite run (different roots, formats, externals and targets), so each is a small function below:
//
//   vite build --mode lib     dist/lib/index.js + member-connect.css   entry `member-connect` (React and deps external)
//                             + dist/lib/sdkPreload.js                 entry `member-connect/sdk/preload`
//   vite build --mode sdk     dist/lib/sdk.js + sdk.iife.js            entry `member-connect/sdk` (no dependencies)
//   vite build --mode frame   dist/frame/                              the iframe page the SDK opens
//   vite build --mode node    dist/node/                               server entries, the bin and the demo server
//   vite build                dist/demo/                               the demo partner pages (also what Storybook reads)
//   vitest (mode `test`)      the server, unit, types, storybook and e2e projects
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig, type ViteUserConfig as UserConfig } from 'vitest/config';

import { CHROMIUM_ARGS, chromiumPath } from './scripts/chromium.mjs';

// The browser entry `member-connect`: ESM, React and every npm dependency left external so the host's bundler
// de-duplicates them. Types come from tsc (tsconfig.build.json).
function lib(): UserConfig {
  return {
    plugins: [react(), emitWidgetStylesheet()],
    publicDir: false,
    build: {
      outDir: 'dist/lib',
      emptyOutDir: true,
      // No source maps (issue 14): the output is unminified ESM, readable as it is.
      cssCodeSplit: false,
      // `member-connect/sdk/preload` is built here (ESM only) rather than with the SDK: its own file, so the SDK's
      // 2 kB does not grow, and the SDK's classic-script build allows a single entry.
      lib: {
        entry: { index: 'src/index.ts', sdkPreload: 'src/sdk/preload.ts' },
        formats: ['es'],
        cssFileName: 'member-connect',
      },
      rolldownOptions: {
        external: [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, /^react-hook-form/, /^valibot/],
        // React Server Components frameworks (Next.js App Router) must treat the widget as client code: without this
        // the partner adds 'use client' themselves or the build fails with a misleading react-hook-form error (issue 14).
        output: { banner: (chunk) => (chunk.isEntry && chunk.name === 'index' ? "'use client';" : '') },
      },
    },
  };
}

// The widget's TypeScript never imports its stylesheet (no side effects on import, nothing injected at run time, so it
// works under a strict CSP); hosts import `member-connect/styles.css`, which is this file copied as it is.
function emitWidgetStylesheet(): Plugin {
  return {
    name: 'member-connect:stylesheet',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'member-connect.css',
        source: readFileSync('src/widget/styles.css', 'utf8'),
      });
    },
  };
}

// The framework-free entry `member-connect/sdk` (issue 7): dist/lib/sdk.js (ESM, for bundlers and
// `<script type="module">`) and dist/lib/sdk.iife.js (a classic `<script>` tag, global `MemberConnect`). Runs after
// the lib build, which empties dist/lib. No dependencies at all, so nothing is external.
function sdk(): UserConfig {
  return {
    publicDir: false,
    build: {
      outDir: 'dist/lib',
      emptyOutDir: false,
      lib: {
        entry: 'src/sdk/index.ts',
        formats: ['es', 'iife'],
        name: 'MemberConnect',
        fileName: (format) => (format === 'es' ? 'sdk.js' : 'sdk.iife.js'),
      },
      // Vite keeps whitespace in ES library output by default; this file is shipped as is and has a 2 KB gzip budget.
      // No Symbol.toStringTag on the classic script's global: 60 bytes nobody reads.
      rolldownOptions: { output: { minify: true, generatedCode: { symbols: false } } },
    },
  };
}

// The iframe bundle (dist/frame/, shipped in the package): a static page the partner hosts on its own origin. Relative
// base so it works under any path (the demo serves it at /frame/); no public dir (msw's worker must not ship).
function frame(): UserConfig {
  return {
    plugins: [react()],
    root: 'src/frame',
    base: './',
    publicDir: false,
    build: {
      outDir: '../../dist/frame',
      emptyOutDir: true,
      // No source maps: whoever serves dist/frame/ would publish them (a 2 MB map of the whole widget).
      // Every browser that can run the widget supports modulepreload; the polyfill would only add bytes.
      modulePreload: { polyfill: false },
      // Everything the page imports statically in one chunk with the entry. Left alone, Rolldown moves the modules the
      // lazy steps share with the first screen (React, copy, queries) into a second first-load chunk: an extra request,
      // its own gzip dictionary and interop helpers, 1.4 kB gzip more (issue 16 §5). Lazy steps import from the entry.
      rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] } } },
    },
  };
}

// Server-side entries (proxy, sandbox, Node adapter, demo server, standalone sandbox) built for Node. Never shipped to
// browsers.
function node(): UserConfig {
  return {
    publicDir: false,
    build: {
      outDir: 'dist/node',
      emptyOutDir: true,
      ssr: true,
      target: 'node20',
      // No source maps: this output is unminified ESM, readable as it is, and maps were most of the package's bytes.
      rolldownOptions: {
        input: {
          server: 'src/server/index.ts',
          sandbox: 'src/server/sandbox/index.ts',
          demo: 'src/server/demo/main.ts',
          sandboxMain: 'src/server/sandbox/main.ts',
          node: 'src/server/node.ts',
          redis: 'src/server/redis/index.ts',
        },
        external: [/^hono/, /^@hono\//, /^valibot/, ...builtinModules, /^node:/],
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          // sandboxMain.js is the package's `member-connect-sandbox` bin.
          banner: (chunk) => (chunk.name === 'sandboxMain' ? '#!/usr/bin/env node' : ''),
        },
      },
    },
  };
}

// The demo partner site (npm start): a React page and a plain SDK page. Built to dist/demo and served by
// src/server/demo/main.ts together with the proxy and the sandbox on one port. Storybook reads this one too.
function demo(): UserConfig {
  return {
    plugins: [react()],
    root: 'src/demo',
    publicDir: false,
    build: {
      outDir: '../../dist/demo',
      emptyOutDir: true,
      rolldownOptions: { input: { main: 'src/demo/index.html', sdk: 'src/demo/sdk.html' } },
    },
  };
}

async function test(): Promise<UserConfig> {
  // Loaded only here: no build needs Storybook or the browser provider.
  const { storybookTest } = await import('@storybook/addon-vitest/vitest-plugin');
  const { playwright } = await import('@vitest/browser-playwright');
  return {
    plugins: [react()],
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'server',
            environment: 'node',
            include: ['test/server/**/*.test.ts'],
          },
        },
        {
          extends: true,
          test: {
            name: 'unit',
            environment: 'jsdom',
            include: ['test/**/*.test.{ts,tsx}'],
            exclude: ['test/server/**', 'test/e2e/**'],
            setupFiles: ['./test/setup.ts'],
          },
        },
        {
          test: {
            name: 'types',
            // Type tests of the four public entries (test/types/*.test-d.ts): checked by tsc, never executed.
            typecheck: {
              enabled: true,
              only: true,
              include: ['test/types/**/*.test-d.{ts,tsx}'],
              tsconfig: './tsconfig.json',
            },
          },
        },
        {
          extends: true,
          plugins: [storybookTest({ configDir: path.join(import.meta.dirname, '.storybook') })],
          test: {
            name: 'storybook',
            // A story may wait out a server's Retry-After or a request deadline (STORY_TIMING shortens the widget's own back-off).
            testTimeout: 30_000,
            browser: {
              enabled: true,
              headless: true,
              instances: [{ browser: 'chromium' as const }],
              provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS } }),
            },
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['test/e2e/**/*.e2e.test.ts'],
            testTimeout: 60_000,
            hookTimeout: 60_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
}

const BUILDS: Record<string, () => UserConfig> = { lib, sdk, frame, node };

export default defineConfig(async ({ mode }) => (mode === 'test' ? test() : (BUILDS[mode] ?? demo)()));
