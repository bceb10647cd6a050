// The framework-free entry `member-connect/sdk` (issue 7): dist/lib/sdk.js (ESM, for bundlers and
// `<script type="module">`) and dist/lib/sdk.iife.js (a classic `<script>` tag, global `MemberConnect`). Runs after
// build:lib, which empties dist/lib. No dependencies at all, so nothing is external.
import { defineConfig } from 'vite';

export default defineConfig({
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
});
