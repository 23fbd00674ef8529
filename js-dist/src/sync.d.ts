import type { EngineKind, JsonObject, JsonValue, Path, TextDelta } from './core.js';
import { SyncKitError } from './errors.js';
import type { Storage } from './storage.js';

export interface OpenOptions {
  /** The server's sync endpoint, `ws://…/sync` or `wss://…/sync`. Omit it to work offline only. */
  url?: string;
  /** A JWT, or a function returning one (asked before every connection: refresh tokens there). */
  token?: string | (() => string | Promise<string>);
  /** The local database's name (default 'synckit'); one per app or per signed-in user. */
  name?: string;
  /** 'auto' (default) uses wasm-gc where supported and falls back to JS. */
  engine?: 'auto' | EngineKind;
  /** Where to fetch the wasm engine from, if not beside the package. */
  wasmUrl?: string | URL;
  /** 'indexeddb' (default in browsers), 'memory' (tests, Node), or your own storage. */
  storage?: 'indexeddb' | 'memory' | Storage;
  /** This device's replica id; by default a random one, kept in storage. */
  replicaId?: number;
}

export type SyncStatus = 'offline' | 'connecting' | 'syncing' | 'synced';

/** Opens local storage (and the connection, when `url` is given). @throws {InvalidArgumentError} @throws {StorageError} */
export function open(options?: OpenOptions): Promise<Sync>;

export interface Sync {
  /** This device's replica id; undefined in a tab that follows another tab (see docs/web-sdk.md, Tabs). */
  readonly replicaId: number | undefined;
  /** The engine in use. */
  readonly engine: EngineKind;
  /** 'synced': online and every local change acknowledged; 'syncing': online with changes in flight. */
  readonly status: SyncStatus;
  /** Local changes stored here that the server has not acknowledged yet. */
  readonly pendingCount: number;
  /** The last error the server or storage reported, or null. */
  readonly error: SyncError | StorageError | null;
  onStatus(listener: (status: SyncStatus) => void): () => void;
  onError(listener: (error: SyncError | StorageError) => void): () => void;
  /** Called whenever `status` or `pendingCount` changes. */
  onChange(listener: () => void): () => void;
  /** A JSON document merged field by field (last writer wins per field). */
  document(docId: string): LiveDocument;
  /** Collaborative plain text. */
  text(docId: string): LiveText;
  counter(docId: string): LiveCounter;
  set(docId: string): LiveSet;
  /** Stops syncing and closes storage; unacknowledged changes stay stored for next time. */
  close(): Promise<void>;
}

interface Live<T> {
  readonly id: string;
  /** Called after every change, local or remote; returns an unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void;
  /** The current value; the same object until the document changes. */
  snapshot(): T;
}

/** Mutations resolve once the change is stored locally (not when the server acknowledges it). */
export interface LiveDocument extends Live<Readonly<JsonObject>> {
  get(): Readonly<JsonObject>;
  get(path: Path): JsonValue | undefined;
  update(fields: JsonObject): Promise<void>;
  update(path: Path, fields: JsonObject): Promise<void>;
  set(path: Path, value: JsonValue): Promise<void>;
  delete(path: Path): Promise<void>;
}

export interface LiveText extends Live<string> {
  readonly length: number;
  insert(index: number, text: string): Promise<void>;
  delete(index: number, length: number): Promise<void>;
  toString(): string;
  /** Every change, local or remote, as a delta against the text before it (for editor bindings). */
  subscribeDelta(listener: (event: { delta: TextDelta }) => void): () => void;
}

export interface LiveCounter extends Live<number> {
  readonly value: number;
  increment(amount?: number): Promise<void>;
  decrement(amount?: number): Promise<void>;
}

export interface LiveSet extends Live<readonly string[]> {
  readonly size: number;
  add(element: string): Promise<void>;
  remove(element: string): Promise<void>;
  has(element: string): boolean;
  /** Ascending; the same frozen array until the set changes. */
  values(): readonly string[];
}

/** The server refused something; `code` is the protocol's error code (e.g. 'UNAUTHENTICATED', 'FORBIDDEN'). */
export class SyncError extends SyncKitError {
  readonly docId: string | undefined;
}

/** Local storage failed; nothing after the failed write was sent, and the sync object stops. */
export class StorageError extends SyncKitError {}
