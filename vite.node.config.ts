// Server-side entries (proxy, sandbox, Node adapter, demo server, standalone sandbox) built for Node. Never shipped to browsers.
import { builtinModules } from 'node:module';

import { defineConfig } from 'vite';

export default defineConfig({
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
});
