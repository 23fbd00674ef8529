// The Node side shared by browser.mjs and browser-text.mjs: bundling a page with esbuild, a small
// static server on 127.0.0.1, launching Debian's Chromium through playwright-core (no browser is
// downloaded) and opening a page that signals window.benchReady or window.benchError.
// The server sends COOP/COEP so that pages are cross-origin isolated (finer performance.now(),
// and performance.measureUserAgentSpecificMemory()).
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const dist = join(here, '../dist');
export const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Bundles a page module (with yjs and loro-crdt's browser build) into /bench/<name>.js plus an
 * index page /bench/<name>.html that loads it; SyncKit stays external (/dist/ as shipped).
 * Returns a Map of URL path -> bytes, loro's .wasm included beside its chunk.
 */
export async function bundlePage(entry) {
  const bundle = await build({
    entryPoints: [join(here, entry)],
    outdir: '/bench',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['/dist/*'],
    write: false,
    logLevel: 'error',
  });
  const files = new Map();
  for (const f of bundle.outputFiles) files.set(f.path, f.contents);
  // loro's browser build loads new URL('./loro_wasm_bg.wasm', import.meta.url): beside its chunk.
  files.set('/bench/loro_wasm_bg.wasm', await readFile(join(here, 'node_modules/loro-crdt/browser/loro_wasm_bg.wasm')));
  const name = entry.replace(/\.mjs$/, '');
  files.set(`/bench/${name}.html`, Buffer.from('<!doctype html><meta charset="utf-8"><title>SyncKit bench</title>'
    + `<script type="module" src="/bench/${name}.js"></script>`));
  return files;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.map': 'application/json',
  '.gz': 'application/octet-stream',
};

/**
 * Serves `files` (URL path -> bytes) and, for each [prefix, folder] of `roots`, the files under
 * that folder (default: /dist/ -> js-dist/dist). Returns { origin, close }.
 */
export async function startServer(files, roots = [['/dist/', dist]]) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let body = files.get(path);
    for (const [prefix, folder] of roots) {
      if (body || !path.startsWith(prefix)) continue;
      const file = normalize(join(folder, path.slice(prefix.length)));
      if (file.startsWith(folder + sep)) body = await readFile(file).catch(() => null);
    }
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Headless Chromium with gc() exposed and precise, eagerly measured memory. */
export function launchChromium() {
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--js-flags=--expose-gc', '--enable-precise-memory-info', '--enable-blink-features=ForceEagerMeasureMemory'],
  });
}

/** Opens `url` in a fresh context (its own renderer) and waits for the page's benchReady. */
export async function openBenchPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady || window.benchError, null, { timeout: 60_000 });
  const failed = await page.evaluate(() => window.benchError ?? null);
  if (failed) throw new Error(`the bench page failed to load: ${failed}\n${errors.join('\n')}`);
  return { page, context, errors };
}
