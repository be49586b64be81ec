import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Run from the repository root (`npm run build:web`): the console's sources are here, its build goes to dist/web,
// which the API serves at `/` (apps/api/src/web-console.ts). `npm run web:dev` proxies /api and /ws to the API.
export default defineConfig({
  root: 'apps/web',
  plugins: [preact()],
  build: { outDir: '../../dist/web', emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
