// The iframe bundle (dist/frame/, shipped in the package): a static page the partner hosts on its own origin. Relative
// base so it works under any path (the demo serves it at /frame/); no public dir (msw's worker must not ship).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
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
  },
});
