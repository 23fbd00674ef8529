// Entry of the script-tag bundle (dist/synckit.js, an IIFE built by esbuild): exposes
// window.SyncKit. The wasm engine is the file synckit.wasm beside the script.
import * as api from './index.js';

const script = document.currentScript;
const wasmUrl = new URL('synckit.wasm', script && script.src ? script.src : location.href).href;

window.SyncKit = Object.freeze({
  ...api,
  load: (options = {}) => api.load({ wasmUrl, ...options }),
  open: (options = {}) => api.open({ wasmUrl, ...options }),
});
