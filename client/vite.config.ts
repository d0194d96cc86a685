import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Wire types come from the shared contracts library, not copies.
    alias: { '@idm/contracts': path.resolve(__dirname, '../libs/contracts/src') },
  },
  server: {
    port: 5173,
    // The dev server proxies every API path to IDM on :3000 (in production IDM serves the built client itself).
    proxy: {
      ...Object.fromEntries(
        ['/auth', '/users', '/sensors', '/anomalies', '/alarms', '/devices', '/tags', '/reports', '/notifications', '/health', '/metrics', '/docs'].map((p) => [p, 'http://localhost:3000']),
      ),
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
  build: { outDir: 'dist', sourcemap: true },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
