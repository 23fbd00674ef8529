// Workloads shared by core-types.mjs (Node) and browser.mjs (headless Chromium): one adapter per
// library over the same small surface, a seeded write sequence, the two-replica map workload, the
// micro benchmarks, the memory run and Markdown tables. No imports: each caller passes the
// libraries it loaded (Node builds or browser bundles), so the same code runs in both places.

// ---------------------------------------------------------------- seeded data

/** mulberry32: a 32-bit seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A short string or a small number, half and half. */
function valueFrom(rand) {
  const n = Math.floor(rand() * 1_000_000);
  return rand() < 0.5 ? n % 1000 : 'v' + n.toString(36);
}

/** `count` writes over `keyCount` keys (k0..k{keyCount-1}); the same arrays are fed to every library. */
export function makeWrites(seed, count, keyCount) {
  const rand = mulberry32(seed);
  const keys = new Array(count);
  const values = new Array(count);
  for (let i = 0; i < count; i++) {
    keys[i] = 'k' + Math.floor(rand() * keyCount);
    values[i] = valueFrom(rand);
  }
  return { keys, values };
}

/** A document of `count` fields f0..f{count-1}, one write each. */
export function makeFields(seed, count) {
  const rand = mulberry32(seed);
  const keys = new Array(count);
  const values = new Array(count);
  for (let i = 0; i < count; i++) {
    keys[i] = 'f' + i;
    values[i] = valueFrom(rand);
  }
  return { keys, values };
}

/** The small documents of the memory test: a todo item. */
export function todo(i) {
  return { title: 'Todo item number ' + i, done: i % 3 === 0, order: i };
}

// ---------------------------------------------------------------- adapters

/**
 * Adapters over one surface: create(id) -> handle, set, setMany (one transaction), json (the map
 * as a plain object), stateVector, diff(handle, stateVector), apply, encodeState.
 * mods: { sk: { js?, wasm? } (SyncKit cores), Y? (yjs), Loro? ({ LoroDoc, VersionVector }),
 * versions: { yjs, loro } }. Only the libraries given are returned.
 */
export function makeAdapters(mods) {
  const out = [];
  for (const [kind, core] of Object.entries(mods.sk ?? {})) {
    if (!core) continue;
    if (core.engine !== kind) throw new Error(`asked for SyncKit engine ${kind}, got ${core.engine}`);
    out.push({
      id: 'synckit-' + kind,
      name: `SyncKit ${core.version} ${kind === 'js' ? 'JS' : 'wasm-gc'}`,
      create: (id) => new core.LwwDoc({ replicaId: id }),
      set: (d, k, v) => d.set(k, v),
      setMany: (d, fields) => d.update(fields),
      json: (d) => d.toJSON(),
      stateVector: (d) => d.encodeStateVector(),
      diff: (d, sv) => d.encodeDiff(sv),
      apply: (d, bytes) => { d.applyUpdate(bytes); },
      encodeState: (d) => d.encodeState(),
    });
  }
  if (mods.Y) {
    const Y = mods.Y;
    out.push({
      id: 'yjs',
      name: `yjs ${mods.versions?.yjs ?? ''}`.trim(),
      create: (id) => {
        const doc = new Y.Doc();
        doc.clientID = id;
        return { doc, map: doc.getMap('m') };
      },
      // Outside doc.transact each set is its own transaction, as in an app reacting to user input.
      set: (h, k, v) => h.map.set(k, v),
      setMany: (h, fields) => h.doc.transact(() => {
        for (const k in fields) h.map.set(k, fields[k]);
      }),
      json: (h) => h.map.toJSON(),
      stateVector: (h) => Y.encodeStateVector(h.doc),
      diff: (h, sv) => Y.encodeStateAsUpdate(h.doc, sv),
      apply: (h, bytes) => Y.applyUpdate(h.doc, bytes),
      encodeState: (h) => Y.encodeStateAsUpdate(h.doc),
    });
  }
  if (mods.Loro) {
    const { LoroDoc, VersionVector } = mods.Loro;
    out.push({
      id: 'loro',
      name: `loro-crdt ${mods.versions?.loro ?? ''}`.trim(),
      create: (id) => {
        const doc = new LoroDoc();
        doc.setPeerId(id);
        return { doc, map: doc.getMap('m') };
      },
      // commit() after each write: one transaction per write, like the others' single set().
      set: (h, k, v) => { h.map.set(k, v); h.doc.commit(); },
      setMany: (h, fields) => {
        for (const k in fields) h.map.set(k, fields[k]);
        h.doc.commit();
      },
      json: (h) => h.map.toJSON(),
      // A version vector travels as bytes, like the others' state vectors.
      stateVector: (h) => {
        const vv = h.doc.oplogVersion();
        const bytes = vv.encode();
        vv.free();
        return bytes;
      },
      diff: (h, sv) => {
        const from = VersionVector.decode(sv);
        const bytes = h.doc.export({ mode: 'update', from });
        from.free();
        return bytes;
      },
      apply: (h, bytes) => { h.doc.import(bytes); },
      // The snapshot (state + history) is loro's format for loading a whole document.
      encodeState: (h) => h.doc.export({ mode: 'snapshot' }),
    });
  }
  return out;
}

/** An adapter variant for loro that commits once per `every` writes (loro's batched use). */
export function loroBatched(ad, every) {
  let n = 0;
  return {
    ...ad,
    id: ad.id + '-batched',
    name: `${ad.name}, commit every ${every} writes`,
    set: (h, k, v) => {
      h.map.set(k, v);
      if (++n % every === 0) h.doc.commit();
    },
  };
}

// ---------------------------------------------------------------- checks

/** JSON with object keys sorted, to compare two maps regardless of insertion order. */
export function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
}

function sameBytes(x, y) {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function lastWrites(w) {
  const last = new Map();
  for (let i = 0; i < w.keys.length; i++) last.set(w.keys[i], w.values[i]);
  return last;
}

/**
 * Throws unless both replicas hold the same map, its keys are exactly those written, and each
 * value is the last one written to that key by A or by B (whichever won the conflict).
 */
export function checkMerged(ad, a, b, writesA, writesB) {
  const ja = ad.json(a);
  const jb = ad.json(b);
  if (canonical(ja) !== canonical(jb)) throw new Error(`${ad.name}: the replicas differ after the exchange`);
  const lastA = lastWrites(writesA);
  const lastB = lastWrites(writesB);
  const keys = new Set([...lastA.keys(), ...lastB.keys()]);
  const got = Object.keys(ja);
  if (got.length !== keys.size) throw new Error(`${ad.name}: ${got.length} keys after merge, expected ${keys.size}`);
  for (const k of got) {
    const v = ja[k];
    const okA = lastA.has(k) && lastA.get(k) === v;
    const okB = lastB.has(k) && lastB.get(k) === v;
    if (!okA && !okB) throw new Error(`${ad.name}: key ${k} holds ${JSON.stringify(v)}, written by neither replica last`);
  }
}

// ---------------------------------------------------------------- measurement

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs fn `warmup` times, then `reps` times (gc before each when given); fn returns an object of
 * numbers. Returns { metric: { median, min, max, runs } }.
 */
export async function repeat(fn, { warmup, reps, gc }) {
  for (let i = 0; i < warmup; i++) await fn();
  const runs = [];
  for (let i = 0; i < reps; i++) {
    if (gc) gc();
    runs.push(await fn());
  }
  const out = {};
  for (const key of Object.keys(runs[0])) {
    const xs = runs.map((r) => r[key]);
    out[key] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs };
  }
  return out;
}

// ---------------------------------------------------------------- (a) two-replica map workload

/**
 * Replicas A (id 1) and B (id 2) write concurrently (interleaved, no sync), then each sends the
 * other exactly what it lacks: the receiver's state vector goes out, the diff comes back.
 */
export function mapWorkload(ad, writesA, writesB) {
  const a = ad.create(1);
  const b = ad.create(2);
  const n = writesA.keys.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    ad.set(a, writesA.keys[i], writesA.values[i]);
    ad.set(b, writesB.keys[i], writesB.values[i]);
  }
  const t1 = performance.now();
  const svA = ad.stateVector(a);
  const svB = ad.stateVector(b);
  const aToB = ad.diff(a, svB);
  const bToA = ad.diff(b, svA);
  ad.apply(b, aToB);
  ad.apply(a, bToA);
  const t2 = performance.now();
  checkMerged(ad, a, b, writesA, writesB);
  if (!sameBytes(ad.stateVector(a), ad.stateVector(b))) throw new Error(`${ad.name}: the replicas' state vectors differ after the exchange`);
  return {
    writeMs: t1 - t0,
    exchangeMs: t2 - t1,
    totalMs: t2 - t0,
    updateBytes: aToB.length + bToA.length,
    svBytes: svA.length + svB.length,
  };
}

export async function runMapSection(adapters, sizes, gc) {
  const writesA = makeWrites(0xa11ce, sizes.writes, sizes.keys);
  const writesB = makeWrites(0xb0b, sizes.writes, sizes.keys);
  const results = [];
  for (const ad of adapters) {
    results.push({ name: ad.name, r: await repeat(() => mapWorkload(ad, writesA, writesB), { warmup: sizes.warmup, reps: sizes.reps, gc }) });
  }
  return results;
}

export function mapTable(results, sizes) {
  const rows = results.map(({ name, r }) => [
    name,
    ms(r.writeMs), ms(r.exchangeMs), ms(r.totalMs),
    int(r.updateBytes.median), int(r.svBytes.median),
    int(Math.round((2 * sizes.writes) / (r.writeMs.median / 1000))),
  ]);
  return table(
    ['library', 'writes ms, median (min)', 'exchange ms, median (min)', 'total ms, median (min)',
      'updates bytes A→B + B→A', 'state vectors bytes', 'writes/s'],
    rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']);
}

// ---------------------------------------------------------------- (b) micro benchmarks

/** Builds a document of `fields` fields (untimed). */
function buildDoc(ad, id, fields) {
  const d = ad.create(id);
  for (let i = 0; i < fields.keys.length; i++) ad.set(d, fields.keys[i], fields.values[i]);
  return d;
}

const elapsed = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

/**
 * Mean ms of one timed step: `step()` returns the ms it timed; it runs at least `minIter` times and
 * until `minMs` of wall time have passed, so that short operations are not lost in timer noise.
 */
function perIteration(sizes, step) {
  let timed = 0;
  let n = 0;
  const start = performance.now();
  while (n < sizes.iterations || performance.now() - start < sizes.minMs) {
    timed += step();
    n++;
  }
  return timed / n;
}

export async function runMicroSection(adapters, sizes, gc) {
  const writes = makeWrites(0x5eed, sizes.microWrites, sizes.fields);
  const fieldsA = makeFields(0xf1, sizes.fields);
  const fieldsB = makeFields(0xf2, sizes.fields);
  const more = makeWrites(0x3a3, sizes.diffWrites, sizes.fields);
  const results = [];
  for (const ad of adapters) {
    const opts = { warmup: sizes.warmup, reps: sizes.reps, gc };
    const row = { name: ad.name };

    // A single local write, many times over one document.
    row.write = await repeat(() => {
      const d = ad.create(1);
      const t = elapsed(() => {
        for (let i = 0; i < writes.keys.length; i++) ad.set(d, writes.keys[i], writes.values[i]);
      });
      return { opsPerSec: writes.keys.length / (t / 1000), usPerOp: (t * 1000) / writes.keys.length };
    }, opts);
    if (sizes.writeOnly) {
      results.push(row);
      continue;
    }

    // Two documents of `fields` fields from replicas 1 and 2, the same keys: a replica restored from
    // A's state merges B's state. Fresh replica every iteration; only the merge is timed.
    const docA = buildDoc(ad, 1, fieldsA);
    const docB = buildDoc(ad, 2, fieldsB);
    const stateA = ad.encodeState(docA);
    const stateB = ad.encodeState(docB);
    {
      const x = ad.create(3);
      ad.apply(x, stateA);
      ad.apply(x, stateB);
      const y = ad.create(4);
      ad.apply(y, stateB);
      ad.apply(y, stateA);
      if (canonical(ad.json(x)) !== canonical(ad.json(y))) throw new Error(`${ad.name}: merge depends on order`);
      if (Object.keys(ad.json(x)).length !== sizes.fields) throw new Error(`${ad.name}: merged document lacks fields`);
    }
    row.merge = await repeat(() => ({
      ms: perIteration(sizes, () => {
        const x = ad.create(3);
        ad.apply(x, stateA);
        return elapsed(() => ad.apply(x, stateB));
      }),
    }), opts);

    // Diff against a state vector: a peer synced with docA, then docA made `diffWrites` more writes.
    const peerSv = ad.stateVector(docA);
    for (let i = 0; i < more.keys.length; i++) ad.set(docA, more.keys[i], more.values[i]);
    let diffBytes = 0;
    {
      const peer = ad.create(5);
      ad.apply(peer, stateA);
      ad.apply(peer, ad.diff(docA, peerSv));
      if (canonical(ad.json(peer)) !== canonical(ad.json(docA))) throw new Error(`${ad.name}: diff does not bring the peer up to date`);
    }
    row.diff = await repeat(() => ({
      ms: perIteration(sizes, () => elapsed(() => { diffBytes = ad.diff(docA, peerSv).length; })),
    }), opts);
    row.diffBytes = diffBytes;

    // encodeState and applying a full state to an empty replica, of the `fields`-field document B.
    let state;
    row.encode = await repeat(() => ({
      ms: perIteration(sizes, () => elapsed(() => { state = ad.encodeState(docB); })),
    }), opts);
    row.stateBytes = state.length;
    {
      const z = ad.create(6);
      ad.apply(z, state);
      if (canonical(ad.json(z)) !== canonical(ad.json(docB))) throw new Error(`${ad.name}: decoding the full state lost data`);
    }
    row.decode = await repeat(() => ({
      ms: perIteration(sizes, () => {
        const z = ad.create(6);
        return elapsed(() => ad.apply(z, state));
      }),
    }), opts);
    results.push(row);
  }
  return results;
}

export function microTables(results, sizes) {
  const F = int(sizes.fields);
  const out = [];
  out.push(`Single local write (${int(sizes.microWrites)} set() calls over ${F} keys on one document):\n`);
  out.push(table(['library', 'ops/s, median', 'ops/s, best', 'µs per write, median'],
    results.map((r) => [r.name, int(r.write.opsPerSec.median), int(r.write.opsPerSec.max), num(r.write.usPerOp.median)]),
    ['l', 'r', 'r', 'r']));
  const full = results.filter((r) => r.merge);
  out.push(`\nDocuments of ${F} fields (replica 1 and replica 2 wrote the same ${F} keys); ms per operation, median (min):\n`);
  out.push(table(
    ['library', `merge two ${F}-field docs`, `diff vs state vector (${int(sizes.diffWrites)} writes behind)`, 'encodeState', 'apply full state (decode)',
      'full state bytes', 'diff bytes'],
    full.map((r) => [r.name, ms(r.merge.ms), ms(r.diff.ms), ms(r.encode.ms), ms(r.decode.ms), int(r.stateBytes), int(r.diffBytes)]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r']));
  return out.join('\n');
}

// ---------------------------------------------------------------- (c) memory of many small documents

/** Creates `count` todo documents, each its own replica, and returns them (the caller keeps them). */
export function makeTodoDocs(ad, count) {
  const docs = new Array(count);
  for (let i = 0; i < count; i++) {
    const d = ad.create(i + 10);
    ad.setMany(d, todo(i));
    docs[i] = d;
  }
  const last = ad.json(docs[count - 1]);
  if (canonical(last) !== canonical(todo(count - 1))) throw new Error(`${ad.name}: todo document reads back wrong`);
  return docs;
}

/**
 * Records every WebAssembly.Memory created from now on: those made by `new WebAssembly.Memory`
 * (SyncKit's TeaVM runtime imports one) and those a module defines and exports (loro's). Their
 * linear memory is outside the JS heap, so heap figures miss it; install before loading libraries.
 */
export function trackWasmMemories() {
  const W = globalThis.WebAssembly;
  const memories = new Set();
  const Memory = W.Memory;
  const record = (instance) => {
    for (const v of Object.values(instance.exports)) if (v instanceof Memory) memories.add(v);
  };
  W.Memory = new Proxy(Memory, {
    construct(target, args, newTarget) {
      const m = Reflect.construct(target, args, newTarget);
      memories.add(m);
      return m;
    },
  });
  W.Instance = new Proxy(W.Instance, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      record(instance);
      return instance;
    },
  });
  const instantiate = W.instantiate;
  W.instantiate = async function (...args) {
    const result = await instantiate.apply(this, args);
    record(result.instance ?? result);
    return result;
  };
  return {
    count: () => memories.size,
    bytes: () => [...memories].reduce((n, m) => n + m.buffer.byteLength, 0),
    /** The memories recorded so far (diff two lists to see which a library created). */
    list: () => [...memories],
  };
}

/**
 * In a page: heap now, after gc (when exposed). performance.memory (precise with
 * --enable-precise-memory-info) and, when the page is cross-origin isolated,
 * performance.measureUserAgentSpecificMemory(); plus the bytes of the tracked wasm memories.
 */
export async function pageMemoryNow(gc, wasm) {
  gc?.();
  const out = { usedJSHeapSize: performance.memory ? performance.memory.usedJSHeapSize : null, uaBytes: null, wasmLinear: wasm.bytes() };
  if (globalThis.crossOriginIsolated && typeof performance.measureUserAgentSpecificMemory === 'function') {
    out.uaBytes = (await performance.measureUserAgentSpecificMemory()).bytes;
  }
  return out;
}

// ---------------------------------------------------------------- formatting

export const int = (x) => Math.round(x).toLocaleString('en-US');
export function num(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
}
const ms = (m) => `${num(m.median)} (${num(m.min)})`;
export const mb = (bytes) => (bytes / 1048576).toFixed(2);

/** A Markdown table; align: 'l' or 'r' per column. */
export function table(headers, rows, align) {
  const lines = ['| ' + headers.join(' | ') + ' |', '|' + headers.map((_, i) => (align?.[i] === 'r' ? '--:' : '---')).join('|') + '|'];
  for (const r of rows) lines.push('| ' + r.join(' | ') + ' |');
  return lines.join('\n');
}
