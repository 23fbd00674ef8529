// The page side of browser.mjs, bundled by esbuild for Chromium. Loads the libraries named in
// ?libs= (all by default), then exposes window.bench for browser.mjs to drive with page.evaluate.
// SyncKit is not bundled: it is imported from /dist/ as shipped, so its engine loader fetches
// /dist/engine/core.wasm itself. loro's browser build fetches loro_wasm_bg.wasm beside its chunk.
import { makeAdapters, makeTodoDocs, pageMemoryNow, runMapSection, trackWasmMemories } from './shared.mjs';

const ALL = ['synckit-js', 'synckit-wasm', 'yjs', 'loro'];
const params = new URLSearchParams(location.search);
const libs = params.get('libs') ? params.get('libs').split(',') : ALL;
const versions = { yjs: params.get('yjs') ?? '', loro: params.get('loro') ?? '' };

// Before any library loads: their wasm linear memory is outside the JS heap that the browser's
// memory APIs report, so its growth is read from the memories themselves.
const wasm = trackWasmMemories();
const gc = typeof globalThis.gc === 'function' ? () => { globalThis.gc(); globalThis.gc(); } : null;

async function loadAdapters() {
  const mods = { sk: {}, versions };
  if (libs.some((l) => l.startsWith('synckit-'))) {
    const { load } = await import('/dist/index.js');
    if (libs.includes('synckit-js')) mods.sk.js = await load({ engine: 'js' });
    if (libs.includes('synckit-wasm')) mods.sk.wasm = await load({ engine: 'wasm' });
  }
  if (libs.includes('yjs')) mods.Y = await import('yjs');
  if (libs.includes('loro')) {
    const { LoroDoc, VersionVector } = await import('loro-crdt');
    mods.Loro = { LoroDoc, VersionVector };
  }
  return makeAdapters(mods);
}

const memoryNow = () => pageMemoryNow(gc, wasm);

try {
  const adapters = await loadAdapters();
  let kept = null;
  window.bench = {
    info: () => ({
      userAgent: navigator.userAgent,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      gc: gc !== null,
      performanceMemory: !!performance.memory,
      measureUserAgentSpecificMemory: typeof performance.measureUserAgentSpecificMemory === 'function',
      hardwareConcurrency: navigator.hardwareConcurrency,
      libraries: adapters.map((a) => a.name),
    }),
    mapSection: (sizes) => runMapSection(adapters, sizes, gc),
    /** Memory of `count` todo documents of the one library this page loaded. */
    async memory(count) {
      if (adapters.length !== 1) throw new Error('load one library per memory page (?libs=...)');
      const [ad] = adapters;
      makeTodoDocs(ad, Math.min(200, count)); // warm the code paths; garbage before the baseline
      const before = await memoryNow();
      kept = makeTodoDocs(ad, count);
      const after = await memoryNow();
      const delta = (k) => (before[k] === null || after[k] === null ? null : after[k] - before[k]);
      return {
        name: ad.name, docs: kept.length, usedJSHeapSize: delta('usedJSHeapSize'), uaBytes: delta('uaBytes'),
        wasmLinear: delta('wasmLinear'), wasmMemories: wasm.count(),
      };
    },
  };
  window.benchReady = true;
} catch (e) {
  window.benchError = String((e && e.stack) || e);
}
