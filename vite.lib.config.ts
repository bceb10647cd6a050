// The browser entry `member-connect`: ESM, React and every npm dependency left external so the host's bundler
// de-duplicates them. Types come from tsc (tsconfig.build.json).
import { readFileSync } from 'node:fs';

import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

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

export default defineConfig({
  plugins: [react(), emitWidgetStylesheet()],
  publicDir: false,
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    // No source maps (issue 14): the output is unminified ESM, readable as it is.
    cssCodeSplit: false,
    lib: { entry: { index: 'src/index.ts' }, formats: ['es'], cssFileName: 'member-connect' },
    rolldownOptions: {
      external: [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, /^react-hook-form/, /^valibot/],
      // React Server Components frameworks (Next.js App Router) must treat the widget as client code: without this the
      // partner adds 'use client' themselves or the build fails with a misleading react-hook-form error (issue 14).
      output: { banner: (chunk) => (chunk.isEntry ? "'use client';" : '') },
    },
  },
});
