export * from './errors.js';

/** Which compiled engine runs the core: WebAssembly GC or plain JavaScript. */
export type EngineKind = 'wasm' | 'js';

export interface LoadOptions {
  /** 'auto' (default) uses wasm-gc where supported and falls back to JS; 'wasm' or 'js' forces one. */
  engine?: 'auto' | EngineKind;
  /** Where to fetch the wasm engine from, if not beside the package (e.g. a CDN). */
  wasmUrl?: string | URL;
}

export interface LwwMapOptions {
  /** Unique per replica: an integer from 0 to 2147483647. */
  replicaId: number;
}

/** A last-writer-wins map of strings. Concurrent writes to a key resolve the same way everywhere. */
export interface LwwMap {
  readonly replicaId: number;
  /** Number of live (not deleted) keys. */
  readonly size: number;
  set(key: string, value: string): void;
  delete(key: string): void;
  /** The value, or null when the key is absent or deleted. */
  get(key: string): string | null;
  has(key: string): boolean;
  /** Live keys in ascending UTF-16 order. */
  keys(): string[];
  /** The full state, for another replica's applyUpdate. Equal maps encode to equal bytes. */
  encodeState(): Uint8Array;
  /**
   * Merges another replica's state; returns how many keys changed. Idempotent.
   * @throws {DecodeError} when the bytes are malformed; the map is then unchanged.
   */
  applyUpdate(update: Uint8Array): number;
}

export interface LwwMapConstructor {
  new (options: LwwMapOptions): LwwMap;
}

export interface Core {
  /** The engine actually loaded. */
  readonly engine: EngineKind;
  /** Why 'auto' fell back to JS, or null. */
  readonly engineFallbackReason: string | null;
  /** Version of the compiled engine. */
  readonly version: string;
  readonly LwwMap: LwwMapConstructor;
}

/** Loads an engine. Loading the same engine twice resolves to the same object. */
export function load(options?: LoadOptions): Promise<Core>;

/** True when this environment can run the wasm-gc engine. */
export function supportsWasmGc(): boolean;
