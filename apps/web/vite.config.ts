import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:3000';

// React changes less often than the app; its own chunk stays cached across deploys. Ant Design is left to
// Rollup on purpose: one antd chunk would carry every component of every page (the date pickers and
// tables of the buyer centre, the consoles' forms) into the storefront's first load; split by use, the
// home page loads only the components it renders and each page fetches the rest with its own chunk.
function vendorChunk(id: string): string | undefined {
  if (!id.includes('/node_modules/')) return undefined;
  if (/\/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
  return undefined;
}

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd alone is ~650 kB minified (~200 kB gzip); warn only if a chunk grows well past that
    chunkSizeWarningLimit: 800,
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
  server: {
    proxy: { '/api': api, '/healthz': api, '/readyz': api, '/docs': api, '/openapi.json': api, '/sandbox': api },
  },
});
