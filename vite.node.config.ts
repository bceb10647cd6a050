// Server-side entries (proxy, sandbox, demo server, standalone sandbox) built for Node. Never shipped to browsers.
import { builtinModules } from 'node:module';

import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/node',
    emptyOutDir: true,
    ssr: true,
    target: 'node20',
    sourcemap: true,
    rolldownOptions: {
      input: {
        server: 'src/server/index.ts',
        sandbox: 'src/server/sandbox/index.ts',
        demo: 'src/server/demo/main.ts',
        sandboxMain: 'src/server/sandbox/main.ts',
      },
      external: [/^hono/, /^@hono\//, /^valibot/, ...builtinModules, /^node:/],
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
