import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

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

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|xml|wasm)$/;

/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside every text file of the build, once, at the highest
 * levels: the server (@fastify/static preCompressed) and nginx (gzip_static) send the copy a browser
 * accepts instead of compressing the same bytes on every request. A copy that saves nothing is not written.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'kameng-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files = (await readdir(outDir, { recursive: true })).filter((f) => COMPRESSIBLE.test(f));
      await Promise.all(
        files.map(async (file) => {
          const path = join(outDir, file);
          const raw = await readFile(path);
          if (raw.length < 1024) return;
          const [br, gz] = await Promise.all([
            brotli(raw, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
              },
            }),
            gzipped(raw, { level: constants.Z_BEST_COMPRESSION }),
          ]);
          if (br.length < raw.length) await writeFile(`${path}.br`, br);
          if (gz.length < raw.length) await writeFile(`${path}.gz`, gz);
        }),
      );
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd alone is ~650 kB minified (~200 kB gzip); warn only if a chunk grows well past that
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: { manualChunks: vendorChunk },
      // zod 4 writes explanatory comments beside its `@__PURE__` marks, which Rollup reports (and drops) on every
      // build; nothing of ours is affected, so only that warning about files under node_modules is left unsaid
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/')) return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: { '/api': api, '/healthz': api, '/readyz': api, '/docs': api, '/openapi.json': api, '/sandbox': api },
  },
});
