// Vite builds the dashboard into src/dashboard/dist (git-ignored), served by the server at /dashboard
// (src/http/dashboard.ts). Preact through Vite's own JSX transform: no plugin. `npm run
// dashboard:build` runs it, and `npm install` does too (postinstall). For development, `npx vite
// --config src/dashboard/vite.config.ts` serves it with hot reload against a server on port 4000.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  publicDir: false,
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // No inline script anywhere: the page's CSP has no 'unsafe-inline'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/graphql': { target: 'http://localhost:4000', ws: true },
      '/api': 'http://localhost:4000',
    },
  },
});
