export * from './errors.js';

/** Which compiled engine runs the core: WebAssembly GC or plain JavaScript. */
export type EngineKind = 'wasm' | 'js';

export interface LoadOptions {
  /** 'auto' (default) uses wasm-gc where supported and falls back to JS; 'wasm' or 'js' forces one. */
  engine?: 'auto' | EngineKind;
  /** Where to fetch the wasm engine from, if not beside the package (e.g. a CDN). */
  wasmUrl?: string | URL;
}

/** A JSON value as stored: objects merge field by field, arrays are replaced whole. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
/** A top-level key, or the keys down to a nested field. */
export type Path = string | readonly string[];

export interface ReplicaOptions {
  /** Unique per replica: an integer from 0 to 2^53-1. Omit it for a random one. */
  replicaId?: number;
}

/** The sync surface every type shares. Updates may arrive in any order, twice, or be resent. */
export interface Replicated {
  readonly replicaId: number;
  /** Increases whenever the value changes. */
  readonly revision: number;
  /** The full state, for a replica that has nothing. */
  encodeState(): Uint8Array;
  /** What this replica has seen; send it to a peer to get exactly what you lack. */
  encodeStateVector(): Uint8Array;
  /** Exactly what a peer with this state vector lacks. @throws {DecodeError} */
  encodeDiff(stateVector: Uint8Array): Uint8Array;
  /**
   * Merges a state or diff; true when the value changed. All or nothing.
   * @throws {DecodeError} malformed bytes. @throws {ClockSkewError} stamped too far in the future.
   */
  applyUpdate(update: Uint8Array): boolean;
}

export interface LwwDocOptions extends ReplicaOptions {
  /** Updates stamped further ahead of this device's clock are refused (default 3,600,000 = 1 hour). */
  maxClockSkewMs?: number;
  /** Use this wall time (ms since the epoch) instead of the device clock. For tests. */
  fixedTime?: number;
}

/** A JSON document whose fields are last-writer-wins registers, merged field by field. */
export interface LwwDoc extends Replicated {
  /** Replaces the value at a key or path; an object value replaces the whole object there. */
  set(path: Path, value: JsonValue): void;
  /** Merges fields into the document, keeping the fields not mentioned. */
  update(fields: JsonObject): void;
  /** Merges fields into the object at `path`. */
  update(path: Path, fields: JsonObject): void;
  delete(path: Path): void;
  /** The value at a key or path, or undefined. */
  get(path: Path): JsonValue | undefined;
  /** The whole document, frozen; the same object until the document changes. */
  toJSON(): Readonly<JsonObject>;
}

/** A counter any replica may change; a duplicated or re-sent update never counts twice. */
export interface Counter extends Replicated {
  readonly value: number;
  increment(amount?: number): void;
  decrement(amount?: number): void;
}

/** An add-wins set of strings. */
export interface OrSet extends Replicated {
  readonly size: number;
  add(element: string): void;
  remove(element: string): void;
  has(element: string): boolean;
  /** Ascending; the same frozen array until the set changes. */
  values(): readonly string[];
}

/**
 * Collaborative plain text. Concurrent inserts are ordered exactly as Yjs orders them (YATA, ties by
 * replica id). Indices are UTF-16 code units, like JS strings; a surrogate pair is never split (an insert
 * inside a pair goes before it; a delete that cuts a pair takes the whole pair).
 */
export interface TextDoc extends Replicated {
  readonly length: number;
  insert(index: number, text: string): void;
  delete(index: number, length: number): void;
  toString(): string;
  toJSON(): string;
  /**
   * Called after every change, local or merged, with a Quill-style delta against the text before it:
   * `[{ retain: 5 }, { insert: 'abc' }, { delete: 2 }]`. Returns an unsubscribe function.
   */
  subscribe(listener: (event: { delta: TextDelta }) => void): () => void;
}

export type TextDelta = Array<{ retain: number } | { insert: string } | { delete: number }>;

/**
 * Keys for ordering list items (e.g. todos dragged to reorder): they sort by plain string comparison,
 * a new key always fits between two others, and keys made by different replicas never collide.
 */
export interface FractionalIndex {
  /** A key strictly between `before` and `after`; null (or undefined) means the start / end of the list. */
  between(before: string | null | undefined, after: string | null | undefined, replicaId: number): string;
  /** `count` increasing keys between `before` and `after`. */
  spread(before: string | null | undefined, after: string | null | undefined, count: number, replicaId: number): string[];
  /** @throws {InvalidArgumentError} unless `key` is a well-formed key. */
  validate(key: string): void;
}

export interface Core {
  /** The engine actually loaded. */
  readonly engine: EngineKind;
  /** Why 'auto' fell back to JS, or null. */
  readonly engineFallbackReason: string | null;
  /** Version of the compiled engine. */
  readonly version: string;
  readonly LwwDoc: new (options?: LwwDocOptions) => LwwDoc;
  readonly Counter: new (options?: ReplicaOptions) => Counter;
  readonly OrSet: new (options?: ReplicaOptions) => OrSet;
  readonly TextDoc: new (options?: ReplicaOptions) => TextDoc;
  readonly FractionalIndex: FractionalIndex;
}

/** Loads an engine. Loading the same engine twice resolves to the same object. */
export function load(options?: LoadOptions): Promise<Core>;

/** True when this environment can run the wasm-gc engine. */
export function supportsWasmGc(): boolean;

/** A random replica id (53 bits from crypto.getRandomValues). */
export function randomReplicaId(): number;
