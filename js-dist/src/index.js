// @synckit/web. For now the core types (see ./core.js); `SyncKit.open()` with storage and sync
// arrives with the Web SDK.
export { load, supportsWasmGc, randomReplicaId } from './core.js';
export * from './errors.js';
