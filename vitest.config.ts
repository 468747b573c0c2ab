import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          // test/e2e and test/hardening run in their own projects below, one file at a time.
          exclude: ['test/renderer/**', 'test/e2e/**', 'test/hardening/**', 'node_modules/**'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          testTimeout: 20_000,
        },
      },
      {
        // Real browsers against a real headless Tollgate: one file at a time, they start servers and Chromium.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Crash, soak and disk-fault runs start real processes and load the machine: they run in a group of their
        // own (groupOrder; vitest runs groups one after another), one file at a time, so they neither disturb nor
        // are disturbed by timing-sensitive tests.
        test: {
          name: 'hardening',
          environment: 'node',
          include: ['test/hardening/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
