// Bundles the app with esbuild into dist/ (what the server serves at /), as a user's build would:
// @synckit/web comes from node_modules (installed from js-dist's `npm pack` tarball), its engines are
// split into their own chunks, and the wasm engine is copied beside them (engine.js loads
// ./engine/core.wasm relative to its own chunk).
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/engine', { recursive: true });
await build({
  entryPoints: ['src/main.jsx'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  external: ['node:*'],
  legalComments: 'none',
  logLevel: 'warning',
});
cpSync('node_modules/@synckit/web/dist/engine/core.wasm', 'dist/engine/core.wasm');
cpSync('index.html', 'dist/index.html');
cpSync('style.css', 'dist/style.css');
console.log('todo app built into dist/');
