// The browser entry `member-connect`: ESM, React and every npm dependency left external so the host's bundler
// de-duplicates them. Types come from tsc (tsconfig.build.json).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    sourcemap: true,
    cssCodeSplit: false,
    lib: { entry: { index: 'src/index.ts' }, formats: ['es'], cssFileName: 'member-connect' },
    rolldownOptions: {
      external: [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, /^react-hook-form/, /^valibot/],
    },
  },
});
