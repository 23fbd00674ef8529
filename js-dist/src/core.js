// @synckit/web/core: the CRDT types on their own (like a Y.Doc without a provider).
//   const core = await load({ engine: 'auto' });   // 'auto' | 'wasm' | 'js'
//   const a = new core.LwwMap({ replicaId: 1 });
// Arguments are checked here, not in the engine: the JS and wasm-gc builds coerce bad types
// differently, and users should get the same InvalidArgumentError from both.
import { loadEngine, supportsWasmGc } from './engine.js';
import { fromEngine, InvalidArgumentError } from './errors.js';

export { supportsWasmGc };
export * from './errors.js';

const MAX_REPLICA_ID = 2147483647;
const cores = new WeakMap();

/** Loads an engine and resolves to its API; loading the same engine twice gives the same object. */
export async function load(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('load(options) takes an object such as { engine: "auto" }');
  }
  const engine = await loadEngine(options.engine ?? 'auto', options.wasmUrl);
  let core = cores.get(engine);
  if (!core) {
    core = makeCore(engine);
    cores.set(engine, core);
  }
  return core;
}

function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromEngine(e);
  }
}

function checkString(name, value) {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`${name} must be a string; got ${value === null ? 'null' : typeof value}`);
  }
}

function checkBytes(name, value) {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidArgumentError(`${name} must be a Uint8Array (as returned by encodeState()); got ${value === null ? 'null' : typeof value}`);
  }
}

function toUint8(int8) {
  return new Uint8Array(int8.buffer, int8.byteOffset, int8.byteLength);
}

function makeCore({ kind, exports: E, fallbackReason }) {
  class LwwMap {
    #m;

    constructor(options) {
      const replicaId = options && options.replicaId;
      if (!Number.isInteger(replicaId) || replicaId < 0 || replicaId > MAX_REPLICA_ID) {
        throw new InvalidArgumentError(
          `replicaId must be an integer from 0 to ${MAX_REPLICA_ID}; got ${String(replicaId)}. Give each replica its own id.`);
      }
      this.#m = call(() => new E.LwwMap(replicaId));
    }

    get replicaId() { return this.#m.replicaId; }
    get size() { return this.#m.size; }

    set(key, value) {
      checkString('key', key);
      checkString('value', value);
      call(() => this.#m.set(key, value));
    }

    delete(key) {
      checkString('key', key);
      call(() => this.#m.delete(key));
    }

    get(key) {
      checkString('key', key);
      return this.#m.get(key) ?? null;
    }

    has(key) { return this.get(key) !== null; }

    keys() { return Array.from(this.#m.keys()); }

    encodeState() { return toUint8(call(() => this.#m.encodeState())); }

    applyUpdate(update) {
      checkBytes('update', update);
      return call(() => this.#m.applyUpdate(update));
    }
  }

  return Object.freeze({
    engine: kind,
    engineFallbackReason: fallbackReason,
    version: E.version(),
    LwwMap,
  });
}
