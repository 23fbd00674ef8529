// JSON values <-> core's binary JSON form (io.synckit.core.json.Json.write/read), the form values
// and paths take across the engine boundary. Numbers travel as exact IEEE 754 bits, and the engine
// needs no text parser (which costs ~100 KB in the TeaVM build).
import { InvalidArgumentError } from './errors.js';

const T_NULL = 0, T_FALSE = 1, T_TRUE = 2, T_UINT = 3, T_NEGINT = 4, T_DOUBLE = 5, T_STRING = 6, T_ARRAY = 7, T_OBJECT = 8;
const MAX_DEPTH = 64;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

class Out {
  constructor() { this.buf = new Uint8Array(64); this.n = 0; this.view = null; }
  ensure(k) {
    if (this.n + k > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.n + k) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
      this.view = null;
    }
  }
  byte(b) { this.ensure(1); this.buf[this.n++] = b; }
  varuint(v) { // 0 <= v < 2^53
    this.ensure(8);
    while (v >= 128) { this.buf[this.n++] = (v % 128) | 0x80; v = Math.floor(v / 128); }
    this.buf[this.n++] = v;
  }
  double(d) {
    this.ensure(8);
    if (!this.view) this.view = new DataView(this.buf.buffer);
    this.view.setFloat64(this.n, d, true);
    this.n += 8;
  }
  string(s) {
    this.ensure(s.length * 3 + 5);
    const start = this.n;
    // Reserve a 1-byte length; move the bytes if the length needs more.
    const { written } = utf8.encodeInto(s, this.buf.subarray(start + 1));
    if (written < 128) { this.buf[start] = written; this.n = start + 1 + written; return; }
    const bytes = this.buf.slice(start + 1, start + 1 + written);
    this.n = start;
    this.varuint(written);
    this.ensure(written);
    this.buf.set(bytes, this.n);
    this.n += written;
  }
  bytes() { return this.buf.slice(0, this.n); }
}

function describe(path) { return path.length ? 'value.' + path.join('.') : 'value'; }

function write(out, v, path) {
  if (path.length > MAX_DEPTH) throw new InvalidArgumentError(`${describe(path)} nests deeper than ${MAX_DEPTH} levels (or is circular)`);
  switch (typeof v) {
    case 'boolean': out.byte(v ? T_TRUE : T_FALSE); return;
    case 'string': out.byte(T_STRING); out.string(v); return;
    case 'number':
      if (!Number.isFinite(v)) throw new InvalidArgumentError(`${describe(path)} is ${v}; numbers must be finite`);
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) { out.byte(v >= 0 ? T_UINT : T_NEGINT); out.varuint(Math.abs(v)); } else { out.byte(T_DOUBLE); out.double(v); }
      return;
    case 'object':
      if (v === null) { out.byte(T_NULL); return; }
      if (Array.isArray(v)) {
        out.byte(T_ARRAY); out.varuint(v.length);
        for (let i = 0; i < v.length; i++) write(out, v[i], [...path, i]);
        return;
      }
      {
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          const kind = v.constructor && v.constructor.name ? v.constructor.name : 'class instance';
          throw new InvalidArgumentError(`${describe(path)} is a ${kind}; only plain objects, arrays, strings, finite numbers, booleans and null can be stored${kind === 'Date' ? ' (store date.toISOString() or a timestamp)' : ''}`);
        }
        const keys = Object.keys(v);
        out.byte(T_OBJECT); out.varuint(keys.length);
        for (const k of keys) { out.string(k); write(out, v[k], [...path, k]); }
      }
      return;
    case 'undefined':
      throw new InvalidArgumentError(`${describe(path)} is undefined; use null, or delete the field`);
    default:
      throw new InvalidArgumentError(`${describe(path)} is a ${typeof v}; it cannot be stored`);
  }
}

/** Encodes a JSON value (checked: see write) to core's binary form. */
export function encodeValue(v) {
  const out = new Out();
  write(out, v, []);
  return out.bytes();
}

/** Encodes a path (a key or an array of keys). */
export function encodePath(path) {
  const keys = typeof path === 'string' ? [path] : path;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw new InvalidArgumentError(`a path is a key (string) or an array of keys; got ${JSON.stringify(path) ?? String(path)}`);
  }
  return encodeValue(keys);
}

/** Decodes what the engine returns (trusted: written by core). */
export function decodeValue(bytes) {
  let pos = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const varuint = () => {
    let result = 0, scale = 1, b;
    do { b = bytes[pos++]; result += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
    return result;
  };
  const string = () => { const n = varuint(); const s = utf8Strict.decode(bytes.subarray(pos, pos + n)); pos += n; return s; };
  const read = () => {
    const tag = bytes[pos++];
    switch (tag) {
      case T_NULL: return null;
      case T_FALSE: return false;
      case T_TRUE: return true;
      case T_UINT: return varuint();
      case T_NEGINT: return -varuint();
      case T_DOUBLE: { const d = view.getFloat64(pos, true); pos += 8; return d; }
      case T_STRING: return string();
      case T_ARRAY: { const n = varuint(); const a = new Array(n); for (let i = 0; i < n; i++) a[i] = read(); return a; }
      case T_OBJECT: {
        const n = varuint(); const o = {};
        for (let i = 0; i < n; i++) {
          const k = string(); const v = read();
          if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true }); else o[k] = v;
        }
        return o;
      }
      default: throw new Error('engine returned an unknown value tag ' + tag);
    }
  };
  return read();
}
