// Finds and loads an engine: the wasm-gc build (core.wasm + TeaVM's runtime loader) or the JS build
// (core.js). Both are ES modules beside this file, imported lazily so an app downloads only one.
import { EngineUnavailableError, InvalidArgumentError } from './errors.js';

// The smallest module that uses a GC type: (type (struct (field i32))). Engines without the final
// WebAssembly GC proposal (Node 20, Safari < 18.2, Firefox < 120) reject it.
const GC_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x5f, 1, 0x7f, 0]);

/** True when this JS environment can run the wasm-gc engine. */
export function supportsWasmGc() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(GC_PROBE);
  } catch {
    return false;
  }
}

const ENGINES = ['auto', 'wasm', 'js'];
const loaded = new Map();

/**
 * Resolves to { kind: 'wasm' | 'js', exports, fallbackReason }. `auto` uses wasm-gc when the
 * environment supports it and falls back to JS (recording why) if it is missing or fails to load.
 */
export function loadEngine(engine = 'auto', wasmUrl) {
  if (!ENGINES.includes(engine)) {
    throw new InvalidArgumentError(`engine must be 'auto', 'wasm' or 'js'; got ${JSON.stringify(engine)}`);
  }
  const key = engine + ' ' + (wasmUrl ?? '');
  let p = loaded.get(key);
  if (!p) {
    p = pick(engine, wasmUrl);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key)); // a failed load may be retried
  }
  return p;
}

async function pick(engine, wasmUrl) {
  if (engine === 'js') return { kind: 'js', exports: await import('./engine/core.js'), fallbackReason: null };
  if (!supportsWasmGc()) {
    const reason = 'this environment does not support WebAssembly GC';
    if (engine === 'wasm') {
      throw new EngineUnavailableError(`engine 'wasm' cannot run: ${reason}. Use engine: 'auto' to fall back to JavaScript.`);
    }
    return { kind: 'js', exports: await import('./engine/core.js'), fallbackReason: reason };
  }
  try {
    return { kind: 'wasm', exports: await loadWasm(wasmUrl), fallbackReason: null };
  } catch (e) {
    if (engine === 'wasm') {
      throw new EngineUnavailableError(`could not load the wasm-gc engine: ${e && e.message}`, { cause: e });
    }
    return { kind: 'js', exports: await import('./engine/core.js'), fallbackReason: String(e && e.message) };
  }
}

async function loadWasm(wasmUrl) {
  const url = new URL(wasmUrl ?? './engine/core.wasm', import.meta.url);
  // Bytes are fetched here rather than by TeaVM's loader: no dependency on the server sending
  // `application/wasm`, and file: URLs (Node) read through fs.
  let bytes;
  if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    bytes = await fs.readFile(url);
  } else {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}; serve synckit's engine files beside the package`);
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  const runtime = await import('./engine/core.wasm-runtime.js');
  const instance = await runtime.load(bytes);
  return instance.exports;
}
