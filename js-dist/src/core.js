// @synckit/web/core: the CRDT types on their own (like a Y.Doc without a provider).
//   const core = await load({ engine: 'auto' });   // 'auto' | 'wasm' | 'js'
//   const doc = new core.LwwDoc({ replicaId: 1 });
// Arguments are checked here, not in the engine: the JS and wasm-gc builds coerce bad types
// differently, and users should get the same InvalidArgumentError from both.
import { loadEngine, supportsWasmGc } from './engine.js';
import { fromEngine, InvalidArgumentError } from './errors.js';
import { decodeValue, encodePath, encodeValue } from './values.js';

export { supportsWasmGc };
export * from './errors.js';

const cores = new WeakMap();

// For the sync layer (sync.js) only: a core's engine exports, and a way to wrap an engine object that the
// sync session created (documents opened through it) in the public class, without a second constructor.
export const INTERNAL = Symbol('synckit.internal');
const ADOPT = Symbol('synckit.adopt');
const adopting = (options) => options !== null && typeof options === 'object' && ADOPT in options;
const DEFAULT_MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

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

/** A random replica id: 53 random bits from crypto.getRandomValues (unique without coordination). */
export function randomReplicaId() {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2));
  return (hi & 0x1fffff) * 4294967296 + lo;
}

function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromEngine(e);
  }
}

const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function checkString(name, value) {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${name} must be a string; got ${typeOf(value)}`);
}

function checkBytes(name, value) {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidArgumentError(`${name} must be a Uint8Array (as returned by encodeState(), encodeStateVector() or encodeDiff()); got ${typeOf(value)}`);
  }
}

function checkIndex(name, value) {
  if (!Number.isInteger(value) || value < 0 || value > 2147483647) {
    throw new InvalidArgumentError(`${name} must be a non-negative integer; got ${String(value)}`);
  }
}

function checkNumber(name, value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(`${name} must be a finite number; got ${String(value)}`);
}

function replicaIdFrom(options, type) {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError(`new ${type}(options) takes an object such as { replicaId: 1 }`);
  }
  const id = options && options.replicaId !== undefined ? options.replicaId : randomReplicaId();
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new InvalidArgumentError(`replicaId must be an integer from 0 to 2^53-1 (Number.MAX_SAFE_INTEGER); got ${String(id)}. Give each replica its own id, or omit it for a random one.`);
  }
  return id;
}

// The engine object behind each public object, under a symbol (not a WeakMap entry, which costs
// more memory per object than the object itself).
const ENGINE = Symbol('synckit.engine');
const eng = (o) => o[ENGINE];

function deepFreeze(v) {
  if (v !== null && typeof v === 'object') {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

/**
 * Folds sequential changes ([pos, text] inserts, [pos, -count] deletes, each against the text as it was
 * just before it) into one delta against the original text of length `originalLength`.
 */
function toDelta(changes, originalLength) {
  // Segments of the new text: { keep: n } original characters, { ins: 'text' } new ones, and
  // { del: n } original characters removed (taking no room in the new text).
  let segs = originalLength > 0 ? [{ keep: originalLength }] : [];
  for (const [pos, what] of changes) {
    const out = [];
    let at = 0; // position in the new text
    let i = 0;
    // copy segments wholly before pos, splitting the one pos falls inside
    for (; i < segs.length; i++) {
      const s = segs[i];
      const size = s.keep ?? (s.ins !== undefined ? s.ins.length : 0);
      if (s.del !== undefined || at + size <= pos) {
        out.push(s);
        at += size;
        if (at === pos && s.del === undefined) { i++; break; }
        continue;
      }
      const cut = pos - at;
      if (s.keep !== undefined) {
        if (cut > 0) out.push({ keep: cut });
        segs.splice(i, 1, { keep: s.keep - cut });
      } else {
        if (cut > 0) out.push({ ins: s.ins.slice(0, cut) });
        segs.splice(i, 1, { ins: s.ins.slice(cut) });
      }
      at = pos;
      break;
    }
    let rest = segs.slice(i);
    if (typeof what === 'string') {
      out.push({ ins: what }, ...rest);
    } else {
      let count = -what;
      const after = [];
      for (const s of rest) {
        if (count === 0 || s.del !== undefined) { after.push(s); continue; }
        const size = s.keep ?? s.ins.length;
        const take = Math.min(size, count);
        count -= take;
        if (s.keep !== undefined) {
          after.push({ del: take });
          if (size > take) after.push({ keep: size - take });
        } else if (size > take) {
          after.push({ ins: s.ins.slice(take) });
        }
      }
      out.push(...after);
    }
    segs = out;
  }
  const delta = [];
  const push = (op, key) => {
    const last = delta[delta.length - 1];
    if (last && key in last) last[key] = typeof last[key] === 'string' ? last[key] + op[key] : last[key] + op[key];
    else delta.push(op);
  };
  for (const s of segs) {
    if (s.keep !== undefined) push({ retain: s.keep }, 'retain');
    else if (s.ins !== undefined) { if (s.ins.length) push({ insert: s.ins }, 'insert'); }
    else push({ delete: s.del }, 'delete');
  }
  while (delta.length && 'retain' in delta[delta.length - 1]) delta.pop();
  return delta;
}

const toUint8 = (int8) => new Uint8Array(int8.buffer, int8.byteOffset, int8.byteLength);

function makeCore({ kind, exports: E, fallbackReason }) {
  // What every type shares: the byte-level sync API and a revision for caching snapshots.
  class Replicated {
    constructor(engineObject) { this[ENGINE] = engineObject; }
    get replicaId() { return eng(this).replicaId; }
    /** Increases whenever the value changes; snapshots are cached per revision. */
    get revision() { return eng(this).revision; }
    encodeState() { return toUint8(call(() => eng(this).encodeState())); }
    encodeStateVector() { return toUint8(call(() => eng(this).encodeStateVector())); }
    encodeDiff(stateVector) {
      checkBytes('stateVector', stateVector);
      return toUint8(call(() => eng(this).encodeDiff(stateVector)));
    }
    /** Merges a state or diff from another replica; true when the value changed. */
    applyUpdate(update) {
      checkBytes('update', update);
      return call(() => eng(this).applyUpdate(update));
    }
  }

  /** A JSON document merged field by field (last writer wins per field). */
  class LwwDoc extends Replicated {
    #snapshot;
    #snapshotRevision = -1;
    constructor(options) {
      if (adopting(options)) { super(options[ADOPT]); return; }
      const replicaId = replicaIdFrom(options, 'LwwDoc');
      const skew = options && options.maxClockSkewMs !== undefined ? options.maxClockSkewMs : DEFAULT_MAX_CLOCK_SKEW_MS;
      if (typeof skew !== 'number' || !(skew > 0)) throw new InvalidArgumentError(`maxClockSkewMs must be a positive number of milliseconds; got ${String(skew)}`);
      const fixed = options && options.fixedTime !== undefined ? options.fixedTime : -1;
      if (fixed !== -1) checkNumber('fixedTime', fixed);
      super(call(() => E.newLwwDoc(replicaId, fixed, skew)));
    }
    /** Sets a field (a key, or a path of keys); an object value replaces the object there. */
    set(path, value) {
      const p = encodePath(path);
      const v = encodeValue(value);
      call(() => eng(this).set(p, v));
    }
    /** Merges fields into the document (or into the object at `path`), keeping the others. */
    update(pathOrFields, maybeFields) {
      const [path, fields] = maybeFields === undefined ? [[], pathOrFields] : [pathOrFields, maybeFields];
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
        throw new InvalidArgumentError(`update() takes an object of fields; got ${typeOf(fields)}`);
      }
      const p = encodePath(path);
      const v = encodeValue(fields);
      call(() => eng(this).update(p, v));
    }
    delete(path) {
      const p = encodePath(path);
      call(() => eng(this).delete(p));
    }
    /** The value at a key or path, or undefined. */
    get(path) {
      const p = encodePath(path);
      const bytes = call(() => eng(this).get(p));
      return bytes == null ? undefined : decodeValue(toUint8(bytes));
    }
    /** The whole document, frozen. The same object is returned until the document changes. */
    toJSON() {
      const rev = this.revision;
      if (rev !== this.#snapshotRevision) {
        this.#snapshot = deepFreeze(decodeValue(toUint8(call(() => eng(this).toJSONBytes()))));
        this.#snapshotRevision = rev;
      }
      return this.#snapshot;
    }
  }

  /** A counter that any replica may increment or decrement; re-sent updates never count twice. */
  class Counter extends Replicated {
    constructor(options) {
      if (adopting(options)) { super(options[ADOPT]); return; }
      super(call(() => new E.Counter(replicaIdFrom(options, 'Counter'))));
    }
    increment(amount = 1) { checkNumber('amount', amount); call(() => eng(this).increment(amount)); }
    decrement(amount = 1) { checkNumber('amount', amount); call(() => eng(this).increment(-amount)); }
    get value() { return eng(this).value; }
  }

  /** A set of strings; a remove cancels only the adds it has seen, so concurrent adds win. */
  class OrSet extends Replicated {
    #values;
    #valuesRevision = -1;
    constructor(options) {
      if (adopting(options)) { super(options[ADOPT]); return; }
      super(call(() => new E.OrSet(replicaIdFrom(options, 'OrSet'))));
    }
    add(element) { checkString('element', element); call(() => eng(this).add(element)); }
    remove(element) { checkString('element', element); call(() => eng(this).remove(element)); }
    has(element) { checkString('element', element); return eng(this).has(element); }
    get size() { return eng(this).size; }
    /** The elements in ascending order. The same array is returned until the set changes. */
    values() {
      const rev = this.revision;
      if (rev !== this.#valuesRevision) {
        this.#values = Object.freeze(Array.from(eng(this).values()));
        this.#valuesRevision = rev;
      }
      return this.#values;
    }
  }

  /** Collaborative plain text; concurrent inserts are ordered exactly as Yjs orders them. */
  class TextDoc extends Replicated {
    #listeners = new Set();
    constructor(options) {
      if (adopting(options)) { super(options[ADOPT]); return; }
      super(call(() => new E.TextDoc(replicaIdFrom(options, 'TextDoc'))));
    }
    /** Inserts at a UTF-16 index (an index inside a surrogate pair inserts before the pair). */
    insert(index, text) {
      checkIndex('index', index);
      checkString('text', text);
      this.#run(() => eng(this).insert(index, text));
    }
    /** Deletes `length` UTF-16 code units (a range ending inside a surrogate pair takes the whole pair). */
    delete(index, length) {
      checkIndex('index', index);
      checkIndex('length', length);
      this.#run(() => eng(this).delete(index, length));
    }
    applyUpdate(update) {
      return this.#run(() => super.applyUpdate(update));
    }
    get length() { return eng(this).length; }
    toString() { return eng(this).text(); }
    toJSON() { return this.toString(); }
    /**
     * Calls `listener({ delta })` after every change, local or merged; `delta` is a retain/insert/delete
     * list (Quill-style) against the text before the change. Returns an unsubscribe function.
     */
    subscribe(listener) {
      if (typeof listener !== 'function') throw new InvalidArgumentError('subscribe(listener) takes a function');
      if (this.#listeners.size === 0) eng(this).recordChanges(true);
      this.#listeners.add(listener);
      return () => {
        this.#listeners.delete(listener);
        if (this.#listeners.size === 0) eng(this).recordChanges(false);
      };
    }
    // Runs an engine call, then (after it has returned: never while core is mid-change) tells listeners.
    #run(fn) {
      const lengthBefore = this.#listeners.size ? eng(this).length : 0;
      const result = call(fn);
      if (this.#listeners.size) {
        const changes = decodeValue(toUint8(eng(this).takeChanges()));
        if (changes.length) {
          const event = { delta: toDelta(changes, lengthBefore) };
          for (const l of [...this.#listeners]) l(event);
        }
      }
      return result;
    }
  }

  function checkKey(name, key) {
    if (key !== null && key !== undefined && typeof key !== 'string') {
      throw new InvalidArgumentError(`${name} must be a key string, or null for the start/end of the list; got ${typeOf(key)}`);
    }
    return key ?? null;
  }

  /** Order keys for lists: strings that sort between their neighbours (plain string comparison). */
  const FractionalIndex = Object.freeze({
    /** A key strictly between `before` and `after` (null: the start / end of the list). */
    between(before, after, replicaId) {
      const b = checkKey('before', before);
      const a = checkKey('after', after);
      const id = replicaIdFrom({ replicaId }, 'FractionalIndex');
      return call(() => E.FractionalIndex.between(b, a, id));
    },
    /** `count` increasing keys between `before` and `after`. */
    spread(before, after, count, replicaId) {
      const b = checkKey('before', before);
      const a = checkKey('after', after);
      if (!Number.isSafeInteger(count) || count < 0) throw new InvalidArgumentError(`count must be a non-negative integer; got ${String(count)}`);
      const id = replicaIdFrom({ replicaId }, 'FractionalIndex');
      return Array.from(call(() => E.FractionalIndex.spread(b, a, count, id)));
    },
    /** Throws InvalidArgumentError unless `key` is a well-formed key. */
    validate(key) {
      checkString('key', key);
      call(() => E.FractionalIndex.validate(key));
    },
  });

  // Plain objects in, bytes as { $bytes: [...] } (JSON-friendly: this is for tools, logs and tests).
  const bytesField = (k, v) => (v instanceof Uint8Array ? { $bytes: Array.from(v) } : v);
  // The wire codec as plain objects: only the test engine (web-sdk's TestCoreModule) exports it, for the
  // protocol test vectors; the shipped engines leave it out to stay small.
  const Protocol = E.Protocol && Object.freeze({
    /** Decodes one wire frame (proto/synckit/v1/sync.proto) into { type, ...fields }; `limits` overrides the defaults. */
    decodeFrame(frame, limits = {}) {
      checkBytes('frame', frame);
      return decodeValue(toUint8(call(() => E.Protocol.decode(frame, encodeValue(limits)))));
    },
    /** Encodes { type, ...fields } (as decodeFrame returns) into a canonical frame. */
    encodeFrame(message) {
      if (message === null || typeof message !== 'object') throw new InvalidArgumentError('encodeFrame takes a message object');
      const plain = JSON.parse(JSON.stringify(message, bytesField));
      return toUint8(call(() => E.Protocol.encode(encodeValue(plain))));
    },
  });

  const internal = Object.freeze({
    exports: E,
    adopt: (Type, engineObject) => new Type({ [ADOPT]: engineObject }),
    // For the sync layer's text documents, whose remote updates the engine applies directly: start
    // recording changes, and take them as a delta against the text as it was at the previous take.
    recordText(text) {
      eng(text).recordChanges(true);
      return { length: eng(text).length };
    },
    takeTextDelta(text, mark) {
      const changes = decodeValue(toUint8(eng(text).takeChanges()));
      const delta = changes.length ? toDelta(changes, mark.length) : [];
      mark.length = eng(text).length;
      return delta;
    },
  });

  return Object.freeze({
    [INTERNAL]: internal,
    engine: kind,
    engineFallbackReason: fallbackReason,
    version: E.version(),
    LwwDoc,
    Counter,
    OrSet,
    TextDoc,
    FractionalIndex,
    ...(Protocol ? { Protocol } : {}),
  });
}
