export { load, supportsWasmGc, randomReplicaId } from './core.js';
export type {
  Core, EngineKind, LoadOptions, JsonValue, JsonObject, Path, ReplicaOptions, Replicated,
  LwwDoc, LwwDocOptions, Counter, OrSet, TextDoc, TextDelta, FractionalIndex,
} from './core.js';
export { open, SyncError, StorageError } from './sync.js';
export type { OpenOptions, Sync, SyncStatus, LiveDocument, LiveText, LiveCounter, LiveSet } from './sync.js';
export { memoryStorage } from './storage.js';
export type { Storage } from './storage.js';
export * from './errors.js';
