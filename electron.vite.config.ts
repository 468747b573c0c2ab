import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // headless.js shares the core's chunk with the app but never imports electron: `npm run serve` runs it in plain Node.
        input: { index: resolve(__dirname, 'src/main/index.ts'), headless: resolve(__dirname, 'src/main/core/headless.ts') },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        // One 600 kB file trips the 500 kB warning and is re-downloaded whole on every dashboard change; the
        // libraries change only with package-lock.json, so they get chunks of their own that stay cached.
        output: {
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
              { name: 'charts', test: /node_modules[\\/](recharts|d3-[^\\/]+|victory-vendor|@reduxjs|redux|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3)[\\/]/ },
              { name: 'vendor', test: /node_modules[\\/]/ },
            ],
          },
        },
      },
      // Headless mode serves this bundle to any browser, not only Electron's Chromium: minified, and no newer than ES2022.
      minify: true,
      target: 'es2022',
    },
    plugins: [react()],
  },
});
