// @synckit/web: open() for documents stored locally and synced with a SyncKit server; load() and the
// CRDT types on their own (./core.js).
export { load, supportsWasmGc, randomReplicaId } from './core.js';
export { open, SyncError, StorageError } from './sync.js';
export { memoryStorage } from './storage.js';
export * from './errors.js';
