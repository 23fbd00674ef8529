export { load, supportsWasmGc } from './core.js';
export type { Core, EngineKind, LoadOptions, LwwMap, LwwMapOptions, LwwMapConstructor } from './core.js';
export * from './errors.js';
