// The demo partner site (npm start): a React page and a plain SDK page. Built to dist/demo and served by
// src/server/demo/main.ts together with the proxy and the sandbox on one port.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  root: 'src/demo',
  publicDir: false,
  build: {
    outDir: '../../dist/demo',
    emptyOutDir: true,
    rolldownOptions: { input: { main: 'src/demo/index.html', sdk: 'src/demo/sdk.html' } },
  },
});
