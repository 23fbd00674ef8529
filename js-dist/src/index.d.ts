export { load, supportsWasmGc, randomReplicaId } from './core.js';
export type {
  Core, EngineKind, LoadOptions, JsonValue, JsonObject, Path, ReplicaOptions, Replicated,
  LwwDoc, LwwDocOptions, Counter, OrSet, TextDoc, TextDelta, FractionalIndex,
} from './core.js';
export * from './errors.js';
