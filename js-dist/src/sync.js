// SyncKit.open(): documents that are stored locally first and synced with a SyncKit server.
//
//   const sync = await open({ url: 'ws://localhost:8080/sync', token, name: 'my-app' });
//   const todo = sync.document('todo-1');
//   await todo.update({ title: 'Buy milk' });   // resolves once stored locally
//   const off = todo.subscribe((value) => render(value));
//
// The sync engine (core's SyncClient, compiled into the engine) decides what to send and when; this file
// is its host. After every call into the engine it drains the engine's effects (store writes, frames,
// connect/close, status and change events) and carries them out in order: writes are committed to
// storage before any frame that follows them is sent, so a change the server acknowledges is never only
// in memory. Events (status, remote changes) are delivered at once.
import { INTERNAL, load, randomReplicaId } from './core.js';
import { InvalidArgumentError, InvalidStateError, SyncKitError } from './errors.js';
import { memoryStorage } from './storage.js';

// Effect kinds (core/src/main/java/io/synckit/core/sync/SyncSession.java).
const WRITE_LOCAL = 1, WRITE_REMOTE = 2, WRITE_ACK = 3, WRITE_COMPACT = 4, SEND = 5, CONNECT = 6, CLOSE = 7,
  STATUS = 8, CHANGE = 9, ERROR = 10;
const ENGINE_OFFLINE = 0, ENGINE_CONNECTING = 1, ENGINE_ONLINE = 2, ENGINE_STOPPED = 3;
// Error codes of proto/synckit/v1/sync.proto (ErrorCode).
const CODE_NAMES = ['UNSPECIFIED', 'UNSUPPORTED_VERSION', 'MALFORMED_FRAME', 'UNAUTHENTICATED', 'FORBIDDEN',
  'LIMIT_EXCEEDED', 'RATE_LIMITED', 'TYPE_MISMATCH', 'BAD_UPDATE', 'INTERNAL'];
const MAX_TIMEOUT = 2 ** 31 - 1;

/** The server refused something (bad or expired token, no permission, a limit); `code` says what. */
export class SyncError extends SyncKitError {
  constructor(code, message, docId, options) {
    super(code, message, options);
    this.name = 'SyncError';
    this.docId = docId || undefined;
  }
}

/** Local storage failed (quota, a blocked upgrade, an aborted transaction); nothing after it was sent. */
export class StorageError extends SyncKitError {
  constructor(message, options) {
    super('STORAGE', message, options);
    this.name = 'StorageError';
  }
}

const utf8 = new TextDecoder();

/** Decodes one drain of effects (varuints, varuint53s, length-prefixed strings and bytes). */
// What a user can do about a failed IndexedDB write, by the DOMException's name.
function whatToDo(e) {
  const name = e && e.name;
  if (name === 'QuotaExceededError') return 'The browser\'s storage for this site is full: free some space, then reload.';
  if (name === 'InvalidStateError') return 'The database was closed, for example by another tab with a newer version of the app: reload this tab.';
  return 'Free some space or close other tabs, then reload.';
}

function decodeEffects(bytes) {
  const b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  const uint = () => {
    let v = 0, mul = 1, x;
    do {
      x = b[i++];
      v += (x & 0x7f) * mul;
      mul *= 128;
    } while (x & 0x80);
    return v;
  };
  const raw = () => { const n = uint(); const out = b.slice(i, i + n); i += n; return out; };
  const str = () => { const n = uint(); const s = utf8.decode(b.subarray(i, i + n)); i += n; return s; };
  const out = [];
  while (i < b.length) {
    const kind = b[i++];
    switch (kind) {
      case WRITE_LOCAL: { const seq = uint(); const docId = str(); out.push({ kind, seq, docId, data: raw() }); break; }
      case WRITE_REMOTE: case WRITE_COMPACT: { const docId = str(); out.push({ kind, docId, data: raw() }); break; }
      case WRITE_ACK: out.push({ kind, seq: uint() }); break;
      case SEND: out.push({ kind, data: raw() }); break;
      case CONNECT: case CLOSE: out.push({ kind }); break;
      case STATUS: out.push({ kind, status: uint() }); break;
      case CHANGE: out.push({ kind, docId: str() }); break;
      case ERROR: { const code = uint(); const message = str(); out.push({ kind, code, message, docId: str() }); break; }
      default: throw new SyncKitError('INTERNAL', `unknown engine effect ${kind} (engine and package versions differ?)`);
    }
  }
  return out;
}

const checkDocId = (docId) => {
  if (typeof docId !== 'string' || docId.length === 0) {
    throw new InvalidArgumentError(`a document id must be a non-empty string; got ${docId === null ? 'null' : typeof docId}`);
  }
};

/**
 * Opens local storage (and the connection, when `url` is given) and resolves to the sync object.
 * Options: `url` (ws:// or wss:// …/sync; omit to work offline only), `token` (or a function returning one,
 * asked before every connection), `name` (storage name, default 'synckit'), `engine` ('auto' | 'wasm' | 'js'),
 * `storage` ('indexeddb' in browsers, 'memory', or a storage object), `replicaId` (kept in storage otherwise).
 *
 * Tabs: in a browser, tabs that open the same `name` share it. One tab (the leader, holding the Web Lock
 * 'synckit:NAME') owns the storage and the connection; the others forward their changes to it over a
 * BroadcastChannel and get every change back from it at once, online or not. When the leader tab closes,
 * another takes over.
 */
export async function open(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError("open(options) takes an object such as { url: 'wss://example.com/sync', token }");
  }
  const { url, token = '', name = 'synckit', engine = 'auto', wasmUrl } = options;
  if (url !== undefined && (typeof url !== 'string' || !/^wss?:\/\//.test(url))) {
    throw new InvalidArgumentError(`url must be a ws:// or wss:// address such as 'wss://example.com/sync'; got ${JSON.stringify(url)}`);
  }
  if (typeof token !== 'string' && typeof token !== 'function') {
    throw new InvalidArgumentError('token must be a string, or a function that returns one (or a promise of one)');
  }
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('name must be a non-empty string');
  if (options.replicaId !== undefined && (!Number.isSafeInteger(options.replicaId) || options.replicaId < 0)) {
    throw new InvalidArgumentError(`replicaId must be an integer from 0 to 2^53-1; got ${String(options.replicaId)}`);
  }
  if (options.storage === undefined && typeof indexedDB === 'undefined') {
    throw new InvalidArgumentError("no IndexedDB here (Node?): pass storage: 'memory', or a storage object");
  }
  checkStorageOption(options.storage);
  const core = await load({ engine, wasmUrl });
  const sync = new Sync(core, { url, token, name, storage: options.storage, replicaId: options.replicaId });
  const shared = (options.storage === undefined || options.storage === 'indexeddb')
    && typeof navigator !== 'undefined' && navigator.locks && typeof BroadcastChannel === 'function';
  if (!shared) {
    await sync._lead(null);
    return sync;
  }
  const release = await claimTab(name);
  if (release) await sync._lead(release);
  else sync._follow();
  return sync;
}

/**
 * Takes the Web Lock 'synckit:NAME' if it is free and holds it until the returned release function is
 * called (the page going away releases it too); null when another tab holds it.
 */
async function claimTab(name) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const got = await new Promise((resolve, reject) => {
    navigator.locks.request('synckit:' + name, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? held : undefined;
    }).catch(reject);
  });
  return got ? release : null;
}

function checkStorageOption(storage) {
  if (storage === undefined || storage === 'memory' || storage === 'indexeddb') return;
  if (storage && typeof storage.load === 'function' && typeof storage.write === 'function') return;
  throw new InvalidArgumentError("storage must be 'indexeddb', 'memory', or an object with load(), write() and setReplicaId()");
}

async function openStorage(storage, name) {
  if (storage === 'memory') return memoryStorage();
  if (storage === undefined || storage === 'indexeddb') {
    const { indexedDbStorage } = await import('./indexeddb.js');
    return indexedDbStorage(name);
  }
  return storage;
}

const MODELS = {
  document: (s, id) => s.openLwwDoc(id, 60 * 60 * 1000),
  text: (s, id) => s.openTextDoc(id),
  counter: (s, id) => s.openCounter(id),
  set: (s, id) => s.openOrSet(id),
};

class Sync {
  #core; #options;
  #mode = 'starting'; // 'leader' (owns storage and connection) | 'follower' (another tab does)
  #session = null; #storage = null; #release = null;
  #channel = null; #abortPromotion = null;
  #docs = new Map();
  #status = 'offline';
  #pending = 0; // a follower's copy of the leader's pendingCount; the leader's last one posted to followers
  #lastPosted = null; // the leader's status last posted to followers
  #onOnline = null; // the window 'online' listener, removed at close
  #statusListeners = new Set();
  #changeListeners = new Set();
  #lastChange = '';
  #errorListeners = new Set();
  #chain = Promise.resolve();
  #ws = null;
  #timer = null;
  #closed = false;
  #failed = null;
  #error = null;
  #authDelay = 0;
  #tabId = randomReplicaId();
  #nextChange = 0;
  #waiting = new Map(); // a follower's changes the leader has not confirmed stored: id -> { docId, kind, data, resolve, reject }

  constructor(core, options) {
    this.#core = core;
    this.#options = options;
    this.engine = core.engine;
    this.replicaId = undefined;
  }

  /** 'offline' | 'connecting' | 'syncing' (online, changes not yet acknowledged) | 'synced'. */
  get status() { return this.#status; }

  /** Local changes stored on this device that the server has not acknowledged yet. */
  get pendingCount() { return this.#mode === 'leader' ? this.#session.pending : this.#pending + this.#waiting.size; }

  /** The last error the server or the storage reported (a SyncError or StorageError), or null. */
  get error() { return this.#error; }

  /** Calls `listener(status)` on every status change; returns an unsubscribe function. */
  onStatus(listener) { return this.#listen(this.#statusListeners, listener); }

  /** Calls `listener()` whenever `status` or `pendingCount` changes; returns an unsubscribe function. */
  onChange(listener) { return this.#listen(this.#changeListeners, listener); }

  #changed() {
    const now = this.#status + ' ' + this.pendingCount;
    if (now !== this.#lastChange) {
      this.#lastChange = now;
      for (const l of [...this.#changeListeners]) l();
    }
  }

  /** Calls `listener(error)` for every SyncError / StorageError; returns an unsubscribe function. */
  onError(listener) { return this.#listen(this.#errorListeners, listener); }

  #listen(set, listener) {
    if (typeof listener !== 'function') throw new InvalidArgumentError('the listener must be a function');
    set.add(listener);
    return () => set.delete(listener);
  }

  /** A JSON document merged field by field (last writer wins per field). */
  document(docId) { return this.#open(docId, 'document'); }
  /** Collaborative plain text. */
  text(docId) { return this.#open(docId, 'text'); }
  /** A counter any replica may increment. */
  counter(docId) { return this.#open(docId, 'counter'); }
  /** A set of strings (adds win over concurrent removes). */
  set(docId) { return this.#open(docId, 'set'); }

  #open(docId, kind) {
    this.#check();
    checkDocId(docId);
    const open = this.#docs.get(docId);
    if (open) {
      if (open.kind !== kind) {
        throw new InvalidArgumentError(`'${docId}' is already open as a ${open.kind}; a document keeps the type it was created with`);
      }
      return open.live;
    }
    const Type = { document: LiveDocument, text: LiveText, counter: LiveCounter, set: LiveSet }[kind];
    const live = new Type(docId, this.#model(docId, kind), this);
    this.#docs.set(docId, { kind, live });
    if (this.#mode === 'leader') this.#pumpQuietly(); // opening subscribes when online
    else this.#post({ t: 'open', docId, kind });
    return live;
  }

  // The leader's model comes from the session (rebuilt from storage); a follower's is a plain one, filled
  // by the leader's 'state' and 'update' messages.
  #model(docId, kind) {
    if (this.#mode !== 'leader') return this.#plain(kind);
    const c = this.#core;
    return c[INTERNAL].adopt(this.#classOf(kind), MODELS[kind](this.#session, docId));
  }

  #classOf(kind) {
    const c = this.#core;
    return { document: c.LwwDoc, text: c.TextDoc, counter: c.Counter, set: c.OrSet }[kind];
  }

  #plain(kind) {
    const Class = this.#classOf(kind);
    return new Class({ replicaId: this.#tabId });
  }

  /** Internal: the core's text hooks (LiveText.subscribeDelta). */
  _textInternal() { return this.#core[INTERNAL]; }

  /** Internal: throws when no change may be made (closed, or storage failed). */
  _usable() { this.#check(); }

  /** Internal: before a local change, what the follower needs to compute its diff. */
  _before(live) { return this.#mode === 'follower' ? live._model.encodeStateVector() : null; }

  /** Internal: a local change to a document was made; resolves once it is stored locally. */
  _changed(live, before) {
    if (this.#mode === 'leader') {
      this.#session.localChange(live.id);
      return this.#pump();
    }
    const data = live._model.encodeDiff(before);
    const kind = this.#docs.get(live.id).kind;
    return new Promise((resolve, reject) => {
      const id = ++this.#nextChange;
      this.#waiting.set(id, { docId: live.id, kind, data, resolve, reject });
      this.#post({ t: 'change', from: this.#tabId, id, docId: live.id, kind, data });
    });
  }

  // ---- leader ----

  /** Becomes the leader: opens storage and the session (taking over the documents a follower had open). */
  async _lead(release) {
    const { token, name, url } = this.#options;
    this.#release = release;
    let storage;
    let stored;
    try {
      storage = await openStorage(this.#options.storage, name);
      stored = await storage.load();
    } catch (e) {
      release?.();
      throw new StorageError(`could not read local storage '${name}': ${e && e.message}`, { cause: e });
    }
    let replicaId = this.#options.replicaId ?? stored.replicaId;
    if (replicaId === undefined) {
      replicaId = randomReplicaId();
      await storage.setReplicaId(replicaId);
    }
    const session = this.#core[INTERNAL].exports.newSyncSession(replicaId, typeof token === 'function' ? '' : token);
    session.loadNextSeq(stored.nextSeq);
    for (const u of stored.outbox) session.loadOutbox(u.seq, u.docId, u.data);
    for (const [docId, entries] of stored.logs) for (const e of entries) session.loadDocLog(docId, e);
    session.begin();
    this.#storage = storage;
    this.#session = session;
    this.replicaId = replicaId;
    const wasFollower = this.#mode === 'follower';
    this.#mode = 'leader';
    // A follower taking over: its documents move onto the session; what they hold that storage lacks (changes
    // the old leader never confirmed) is stored now, and the waiting promises resolve once it is.
    for (const [docId, { kind, live }] of this.#docs) {
      const old = live._model;
      live._model = this.#model(docId, kind);
      live._modelReplaced?.();
      const missing = old.encodeDiff(live._model.encodeStateVector());
      const probe = this.#plain(kind); // does `missing` hold anything storage lacks?
      probe.applyUpdate(live._model.encodeState());
      if (probe.applyUpdate(missing)) session.forward(docId, missing);
      live._notify();
    }
    const stored2 = this.#pump();
    if (wasFollower) {
      const waiting = [...this.#waiting.values()];
      this.#waiting.clear();
      stored2.then(() => waiting.forEach((w) => w.resolve()), (e) => waiting.forEach((w) => w.reject(e)));
    }
    if (this.#release) {
      this.#channel ??= new BroadcastChannel('synckit:' + name);
      this.#channel.onmessage = (ev) => this.#leaderMessage(ev.data);
      this.#post({ t: 'leader' });
    }
    if (url !== undefined) {
      session.start(Date.now());
      this.#pumpQuietly();
      // navigator.onLine is only a hint (a captive portal is "online"), but its 'online' event is a good
      // moment to try at once instead of waiting out the backoff.
      if (typeof addEventListener === 'function') {
        this.#onOnline = () => {
          if (this.#closed || this.#failed || this.#session.status !== ENGINE_OFFLINE) return;
          this.#session.start(Date.now());
          this.#pumpQuietly();
        };
        addEventListener('online', this.#onOnline);
      }
    }
  }

  #leaderMessage(m) {
    if (this.#closed || !m || typeof m !== 'object') return;
    if (m.t === 'hello') { this.#postStatus(true); return; }
    if (m.t === 'open' || m.t === 'change') {
      let entry = this.#docs.get(m.docId);
      try {
        if (!entry) {
          this.#open(m.docId, m.kind);
          entry = this.#docs.get(m.docId);
        }
        if (m.t === 'open') {
          this.#post({ t: 'state', docId: m.docId, data: entry.live._model.encodeState() });
          return;
        }
        this.#check();
        this.#session.forward(m.docId, m.data);
        entry.live._notify();
      } catch (e) {
        if (m.t === 'change') this.#post({ t: 'stored', to: m.from, id: m.id, error: String(e && e.message) });
        return;
      }
      this.#pump().then(() => this.#post({ t: 'stored', to: m.from, id: m.id }),
        (e) => this.#post({ t: 'stored', to: m.from, id: m.id, error: String(e && e.message) }));
    }
  }

  #post(message) {
    if (this.#channel && !this.#closed) this.#channel.postMessage(message);
  }

  #postStatus(always) {
    if (this.#mode !== 'leader' || !this.#channel) return;
    const pending = this.#session.pending;
    if (always || pending !== this.#pending || this.#status !== this.#lastPosted) {
      this.#pending = pending;
      this.#lastPosted = this.#status;
      this.#post({ t: 'status', status: this.#status, pending });
    }
  }

  // ---- follower ----

  _follow() {
    const { name } = this.#options;
    this.#mode = 'follower';
    this.#channel = new BroadcastChannel('synckit:' + name);
    this.#channel.onmessage = (ev) => this.#followerMessage(ev.data);
    this.#post({ t: 'hello' });
    // Queue for the lock: when the leader tab goes away, this one may take over.
    const abort = new AbortController();
    this.#abortPromotion = abort;
    navigator.locks.request('synckit:' + name, { signal: abort.signal }, async () => {
      if (this.#closed) return;
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      try {
        await this._lead(release);
      } catch (e) {
        this.#report(e instanceof SyncKitError ? e : new StorageError(String(e && e.message), { cause: e }));
        release();
      }
      return held;
    }).catch(() => { /* aborted at close */ });
  }

  #followerMessage(m) {
    if (this.#closed || this.#mode !== 'follower' || !m || typeof m !== 'object') return;
    switch (m.t) {
      case 'state': case 'update': {
        const entry = this.#docs.get(m.docId);
        if (entry && entry.live._model.applyUpdate(m.data)) entry.live._notify();
        break;
      }
      case 'stored': {
        const w = m.to === this.#tabId ? this.#waiting.get(m.id) : undefined;
        if (!w) break;
        this.#waiting.delete(m.id);
        if (m.error) w.reject(new StorageError(`the tab that stores changes could not store this one: ${m.error}`));
        else w.resolve();
        this.#setStatus(this.#status);
        break;
      }
      case 'status':
        this.#pending = m.pending;
        this.#setStatus(m.status);
        break;
      case 'leader': // a new leader: it has not seen what this tab sent the old one
        for (const [docId, { kind }] of this.#docs) this.#post({ t: 'open', docId, kind });
        for (const [id, w] of this.#waiting) this.#post({ t: 'change', from: this.#tabId, id, docId: w.docId, kind: w.kind, data: w.data });
        break;
      default:
    }
  }

  /** Stops syncing, closes the connection and storage; pending changes stay stored for next time. */
  async close() {
    if (this.#closed) return;
    this.#abortPromotion?.abort();
    if (this.#mode !== 'leader') {
      this.#closed = true;
      this.#channel?.close();
      return;
    }
    this.#session.stop();
    const done = this.#pump();
    this.#closed = true;
    if (this.#onOnline) removeEventListener('online', this.#onOnline);
    clearTimeout(this.#timer);
    try {
      await done.catch(() => {}); // a storage failure was reported already
    } finally {
      this.#detach();
      this.#channel?.close();
      await this.#storage.close?.();
      this.#release?.();
    }
  }

  #check() {
    if (this.#closed) throw new InvalidStateError('this sync object is closed; open() a new one');
    if (this.#failed) throw this.#failed;
  }

  // For pumps nobody awaits (socket events, timers): failures are reported through onError instead.
  #pumpQuietly() {
    this.#pump().catch(() => {});
  }

  // Drains the engine; events now, I/O in order on the chain. Returns the chain (the caller's change stored).
  #pump() {
    const effects = decodeEffects(this.#session.drain());
    const io = [];
    for (const e of effects) {
      if (e.kind === CHANGE) this.#docs.get(e.docId)?.live._notify();
      else if (e.kind === ERROR) {
        this.#report(new SyncError(CODE_NAMES[e.code] ?? 'INTERNAL', e.message, e.docId));
        if (e.code === 3) this.#retryAuth();
      } else if (e.kind !== STATUS) {
        io.push(e);
        // Other tabs see every change at once, before it is stored (as this tab's documents do).
        if (e.kind === WRITE_LOCAL || e.kind === WRITE_REMOTE) this.#post({ t: 'update', docId: e.docId, data: e.data });
      }
    }
    this.#updateStatus();
    if (io.length) this.#chain = this.#chain.then(() => this.#run(io));
    this.#schedule();
    return this.#chain;
  }

  async #run(effects) {
    if (this.#failed) throw this.#failed;
    let writes = [];
    const commit = async () => {
      if (!writes.length) return;
      const batch = writes;
      writes = [];
      try {
        await this.#storage.write(batch);
      } catch (e) {
        // Nothing after a failed write may be sent: stop here for good and say so.
        this.#failed = new StorageError(`could not store changes locally: ${String(e && e.message).replace(/\.$/, '')}. ${whatToDo(e)}`, { cause: e });
        this.#detach();
        clearTimeout(this.#timer);
        this.#setStatus('offline');
        this.#report(this.#failed);
        throw this.#failed;
      }
    };
    for (const e of effects) {
      if (e.kind <= WRITE_COMPACT) { writes.push(e); continue; }
      await commit();
      if (e.kind === SEND) { if (this.#ws && this.#ws.readyState === 1) this.#ws.send(e.data); }
      else if (e.kind === CONNECT) await this.#connect();
      else if (e.kind === CLOSE) this.#detach();
    }
    await commit();
    this.#updateStatus();
  }

  async #connect() {
    if (this.#closed) return;
    if (typeof this.#options.token === 'function') {
      try {
        this.#session.setToken((await this.#options.token()) ?? '');
      } catch (e) {
        this.#report(new SyncError('UNAUTHENTICATED', `the token function failed: ${e && e.message}`, '', { cause: e }));
      }
    }
    let ws;
    try {
      ws = new WebSocket(this.#options.url);
    } catch (e) {
      this.#report(new SyncError('INTERNAL', `cannot open a WebSocket to ${this.#options.url}: ${e && e.message}`, '', { cause: e }));
      queueMicrotask(() => { this.#session.onClose(Date.now()); this.#pumpQuietly(); });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.onopen = () => { if (this.#ws === ws) { this.#session.onOpen(Date.now()); this.#pumpQuietly(); } };
    ws.onmessage = (ev) => {
      if (this.#ws !== ws || typeof ev.data === 'string') return;
      this.#session.onFrame(new Uint8Array(ev.data), Date.now());
      this.#pumpQuietly();
    };
    // Node's WebSocket reports a failed handshake with 'error' and no 'close': either one ends it.
    const ended = () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#session.onClose(Date.now());
      this.#pumpQuietly();
    };
    ws.onclose = ended;
    ws.onerror = ended;
  }

  // Ends the socket without reporting anything more from it (the engine is already done with it).
  #detach() {
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(1000); } catch { /* already closing */ }
    }
  }

  #schedule() {
    clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#closed || this.#failed) return;
    const at = this.#session.nextWakeAt();
    if (!Number.isFinite(at)) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#session.tick(Date.now());
      this.#pumpQuietly();
    }, Math.min(MAX_TIMEOUT, Math.max(0, at - Date.now())));
    this.#timer.unref?.(); // Node: the open socket keeps a script alive, not the timer
  }

  // The server refused the token (bad, or expired mid-connection) and the engine stopped. With a token
  // function there may be a fresh token: ask again after a backoff (2 s doubling to 5 min).
  #retryAuth() {
    if (typeof this.#options.token !== 'function') return;
    this.#authDelay = Math.min(300000, this.#authDelay ? this.#authDelay * 2 : 2000);
    const t = setTimeout(() => {
      if (this.#closed || this.#failed) return;
      this.#session.start(Date.now());
      this.#pumpQuietly();
    }, this.#authDelay);
    t.unref?.();
  }

  #updateStatus() {
    const s = this.#session.status;
    this.#setStatus(s === ENGINE_ONLINE ? (this.#session.pending === 0 ? 'synced' : 'syncing')
      : s === ENGINE_CONNECTING ? 'connecting' : 'offline');
    this.#postStatus(false);
  }

  #setStatus(next) {
    if (next === 'synced') this.#authDelay = 0;
    if (next !== this.#status) {
      this.#status = next;
      for (const l of [...this.#statusListeners]) l(next);
    }
    this.#changed();
  }

  #report(error) {
    this.#error = error;
    for (const l of [...this.#errorListeners]) l(error);
  }
}

/** What every live document shares: change notification with stable snapshots. */
class Live {
  #listeners = new Set();
  constructor(docId, model, sync) {
    this.id = docId;
    this._model = model;
    this._sync = sync;
  }
  /**
   * Calls `listener(value)` after every change, local or from the server; returns an unsubscribe
   * function. The value keeps its identity until the document changes (useSyncExternalStore).
   */
  subscribe(listener) {
    if (typeof listener !== 'function') throw new InvalidArgumentError('subscribe(listener) takes a function');
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  _notify() {
    const v = this.snapshot();
    for (const l of [...this.#listeners]) l(v);
  }
  _local(mutate) {
    this._sync._usable();
    const before = this._sync._before(this);
    mutate(this._model);
    const stored = this._sync._changed(this, before);
    this._notify();
    return stored;
  }
}

class LiveDocument extends Live {
  /** The whole document (frozen; the same object until it changes), or the value at a key / path. */
  get(path) { return path === undefined ? this._model.toJSON() : this._model.get(path); }
  snapshot() { return this._model.toJSON(); }
  /** Merges fields (into the object at `path`); resolves once stored locally. */
  update(pathOrFields, fields) { return this._local((m) => m.update(pathOrFields, fields)); }
  set(path, value) { return this._local((m) => m.set(path, value)); }
  delete(path) { return this._local((m) => m.delete(path)); }
}

class LiveText extends Live {
  #mark = null;
  #deltaListeners = new Set();
  insert(index, text) { return this._local((m) => m.insert(index, text)); }
  delete(index, length) { return this._local((m) => m.delete(index, length)); }
  get length() { return this._model.length; }
  toString() { return this._model.toString(); }
  snapshot() { return this._model.toString(); }
  /**
   * Calls `listener({ delta })` after every change, local or remote, with a retain/insert/delete list
   * (Quill-style) against the text before it: what an editor binding applies. Returns an unsubscribe function.
   */
  subscribeDelta(listener) {
    if (typeof listener !== 'function') throw new InvalidArgumentError('subscribeDelta(listener) takes a function');
    if (!this.#mark) this.#mark = this._sync._textInternal().recordText(this._model);
    this.#deltaListeners.add(listener);
    return () => this.#deltaListeners.delete(listener);
  }
  _notify() {
    if (this.#mark) {
      const delta = this._sync._textInternal().takeTextDelta(this._model, this.#mark);
      if (delta.length) for (const l of [...this.#deltaListeners]) l({ delta });
    }
    super._notify();
  }
  _modelReplaced() {
    if (this.#mark) this.#mark = this._sync._textInternal().recordText(this._model);
  }
}

class LiveCounter extends Live {
  increment(amount = 1) { return this._local((m) => m.increment(amount)); }
  decrement(amount = 1) { return this._local((m) => m.decrement(amount)); }
  get value() { return this._model.value; }
  snapshot() { return this._model.value; }
}

class LiveSet extends Live {
  add(element) { return this._local((m) => m.add(element)); }
  remove(element) { return this._local((m) => m.remove(element)); }
  has(element) { return this._model.has(element); }
  get size() { return this._model.size; }
  /** The elements in ascending order (frozen; the same array until the set changes). */
  values() { return this._model.values(); }
  snapshot() { return this._model.values(); }
}
