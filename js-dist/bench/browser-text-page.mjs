// The page side of browser-text.mjs, bundled by esbuild for Chromium. Loads the one library named in
// ?lib=, then exposes window.bench for browser-text.mjs to drive with page.evaluate. SyncKit is
// imported from /dist/ as shipped; the trace is fetched from /traces/<name>.json.gz and gunzipped here.
import { pageMemoryNow, trackWasmMemories } from './shared.mjs';
import { flattenTrace, makeTextAdapters, measureLibrary, withExpected } from './text-shared.mjs';

const params = new URLSearchParams(location.search);
const lib = params.get('lib');
const versions = { yjs: params.get('yjs') ?? '', loro: params.get('loro') ?? '' };

// Before the library loads: its wasm linear memory is outside the JS heap that the browser's memory
// APIs report, so its growth is read from the memories themselves (one library per page).
const wasm = trackWasmMemories();
const gc = typeof globalThis.gc === 'function' ? () => { globalThis.gc(); globalThis.gc(); } : null;

async function loadAdapter() {
  const mods = { sk: {}, versions };
  if (lib === 'synckit-js' || lib === 'synckit-wasm') {
    const { load } = await import('/dist/index.js');
    mods.sk[lib.slice('synckit-'.length)] = await load({ engine: lib.slice('synckit-'.length) });
  } else if (lib === 'yjs') mods.Y = await import('yjs');
  else if (lib === 'loro') mods.Loro = { LoroDoc: (await import('loro-crdt')).LoroDoc };
  else throw new Error(`unknown library ${lib}`);
  return makeTextAdapters(mods)[0];
}

async function loadTrace(name, limit) {
  const res = await fetch(`/traces/${name}.json.gz`);
  if (!res.ok) throw new Error(`trace ${name}: HTTP ${res.status}`);
  const json = await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).json();
  return withExpected(flattenTrace(name, json, limit ?? Infinity));
}

let trace = null;
try {
  const ad = await loadAdapter();
  window.bench = {
    info: () => ({
      userAgent: navigator.userAgent,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      gc: gc !== null,
      performanceMemory: !!performance.memory,
      measureUserAgentSpecificMemory: typeof performance.measureUserAgentSpecificMemory === 'function',
      hardwareConcurrency: navigator.hardwareConcurrency,
      library: ad.name,
    }),
    /** Fetches and reads the trace; a call of its own, so that its garbage is long gone before run(). */
    async prepare(plan) {
      trace = await loadTrace(plan.trace, plan.limit);
      return trace.n;
    },
    /** plan: { trace, limit, warmPatches, runs: { apply, decode, encode } }. */
    async run(plan) {
      const t = trace;
      const memoryNow = async () => {
        const m = await pageMemoryNow(gc, wasm);
        return { heap: m.usedJSHeapSize, ua: m.uaBytes, wasm: m.wasmLinear };
      };
      const r = await measureLibrary(ad, t, { gc, memoryNow, warmPatches: plan.warmPatches, runs: plan.runs });
      return { ...r, trace: { name: t.name, n: t.n, full: t.full, chars: t.expected.length }, wasmMemories: wasm.count() };
    },
  };
  window.benchReady = true;
} catch (e) {
  window.benchError = String((e && e.stack) || e);
}
