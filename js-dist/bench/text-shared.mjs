// Text editing traces, shared by text-traces.mjs (Node) and browser-text.mjs (headless Chromium):
// reading a trace into flat arrays, a reference replay on a plain gap buffer, one adapter per
// library (replay, read, encode, decode, free), the measured steps, the tables and the bar. Imports
// only shared.mjs: callers pass the libraries they loaded, so the same code runs in Node and in the page.
import { int, mb, num, repeat, table } from './shared.mjs';
//
// Trace format (josephg/editing-traces, sequential_traces): { startContent, endContent,
// txns: [{ patches: [[pos, delCount, insertText], ...] }] }; each patch is a delete of delCount at
// pos, then an insert of insertText at pos. The files used here hold no character outside the
// BMP, so their code-point positions are also UTF-16 positions (checked by flattenTrace).

// ---------------------------------------------------------------- traces

/**
 * The patches of a parsed trace as flat arrays (pos, del, ins), one entry per patch in order, with
 * startContent (if any) as a first insert. `limit` keeps only the transactions that start before
 * `limit` patches have been read (a prefix, for --quick).
 */
export function flattenTrace(name, json, limit = Infinity) {
  const pos = [];
  const del = [];
  const ins = [];
  let astral = false;
  let both = 0;
  let multiPatchTxns = 0;
  const astralRe = /[\uD800-\uDFFF]/;
  if (json.startContent) {
    pos.push(0); del.push(0); ins.push(json.startContent);
  }
  let txns = 0;
  for (const txn of json.txns) {
    if (pos.length >= limit) break;
    txns++;
    if (txn.patches.length > 1) multiPatchTxns++;
    for (const [p, d, s] of txn.patches) {
      pos.push(p); del.push(d); ins.push(s);
      if (d > 0 && s.length > 0) both++;
      if (astralRe.test(s)) astral = true;
    }
  }
  if (astral) throw new Error(`${name}: the trace inserts characters outside the BMP; its positions would need converting`);
  const n = pos.length;
  const full = txns === json.txns.length;
  return {
    name,
    n,
    pos: Int32Array.from(pos),
    del: Int32Array.from(del),
    ins,
    full,
    patchesWithBoth: both,
    multiPatchTxns,
    txns,
    endContent: json.endContent,
    expected: null, // set by withExpected()
  };
}

/**
 * Replays the patches on a gap buffer of UTF-16 code units (no CRDT) and returns the text: the
 * reference every library is checked against. Throws on a position or delete out of range.
 */
export function referenceText(t) {
  let buf = new Uint16Array(1 << 16);
  let gapStart = 0;
  let gapEnd = buf.length;
  const length = () => buf.length - (gapEnd - gapStart);
  for (let i = 0; i < t.n; i++) {
    const p = t.pos[i];
    const d = t.del[i];
    const s = t.ins[i];
    if (p < 0 || p + d > length()) throw new Error(`${t.name}: patch ${i} [${p}, ${d}] out of range (length ${length()})`);
    // Move the gap to p.
    if (p < gapStart) {
      const k = gapStart - p;
      buf.copyWithin(gapEnd - k, p, gapStart);
      gapStart = p;
      gapEnd -= k;
    } else if (p > gapStart) {
      const k = p - gapStart;
      buf.copyWithin(gapStart, gapEnd, gapEnd + k);
      gapStart += k;
      gapEnd += k;
    }
    gapEnd += d;
    if (gapEnd - gapStart < s.length) {
      const len = length();
      const next = new Uint16Array(Math.max(buf.length * 2, len + s.length + 1024));
      next.set(buf.subarray(0, gapStart), 0);
      const tail = buf.length - gapEnd;
      next.set(buf.subarray(gapEnd), next.length - tail);
      gapEnd = next.length - tail;
      buf = next;
    }
    for (let j = 0; j < s.length; j++) buf[gapStart++] = s.charCodeAt(j);
  }
  return units(buf.subarray(0, gapStart)) + units(buf.subarray(gapEnd));
}

function units(a) {
  let out = '';
  for (let i = 0; i < a.length; i += 8192) out += String.fromCharCode.apply(null, a.subarray(i, i + 8192));
  return out;
}

/** Sets t.expected from the reference replay; for a whole trace it must equal endContent. */
export function withExpected(t) {
  t.expected = referenceText(t);
  if (t.full && t.expected !== t.endContent) throw new Error(`${t.name}: replaying the patches does not give endContent; the trace is not read as meant`);
  return t;
}

// ---------------------------------------------------------------- adapters

/**
 * One adapter per library given: { id, name, create(), replay(handle, trace), text(handle),
 * encode(handle) -> Uint8Array, decode(bytes) -> handle, free(handle) }.
 * Each replay loop is written out on its own, so that its call sites see one library only.
 * mods: { sk: { js?, wasm? }, Y?, Loro? ({ LoroDoc }), A? (automerge), DT? ({ Doc }), versions }.
 */
export function makeTextAdapters(mods) {
  const v = mods.versions ?? {};
  const out = [];
  const sk = mods.sk ?? {};
  for (const kind of ['js', 'wasm']) {
    const core = sk[kind];
    if (!core) continue;
    if (core.engine !== kind) throw new Error(`asked for SyncKit engine ${kind}, got ${core.engine}`);
    // Two copies of the same loop: one per engine, so neither call site is polymorphic.
    const replay = kind === 'js'
      ? (d, t) => {
        const { pos, del, ins, n } = t;
        for (let i = 0; i < n; i++) {
          const k = del[i];
          const s = ins[i];
          if (k !== 0) d.delete(pos[i], k);
          if (s.length !== 0) d.insert(pos[i], s);
        }
      }
      : (d, t) => {
        const { pos, del, ins, n } = t;
        for (let i = 0; i < n; i++) {
          const k = del[i];
          const s = ins[i];
          if (k !== 0) d.delete(pos[i], k);
          if (s.length !== 0) d.insert(pos[i], s);
        }
      };
    out.push({
      id: 'synckit-' + kind,
      name: `SyncKit ${core.version} ${kind === 'js' ? 'JS' : 'wasm-gc'}`,
      encoding: 'encodeState()',
      create: () => new core.TextDoc({ replicaId: 1 }),
      replay,
      text: (d) => d.toString(),
      encode: (d) => d.encodeState(),
      decode: (bytes) => {
        const d = new core.TextDoc({ replicaId: 2 });
        d.applyUpdate(bytes);
        return d;
      },
      free: () => {},
    });
  }
  if (mods.Y) {
    const Y = mods.Y;
    out.push({
      id: 'yjs',
      name: `yjs ${v.yjs ?? ''}`.trim(),
      encoding: 'Y.encodeStateAsUpdate(doc) (update format v1)',
      create: () => {
        const doc = new Y.Doc();
        doc.clientID = 1;
        return { doc, text: doc.getText('t') };
      },
      // Outside doc.transact each insert / delete is a transaction of its own.
      replay: (h, t) => {
        const { pos, del, ins, n } = t;
        const text = h.text;
        for (let i = 0; i < n; i++) {
          const k = del[i];
          const s = ins[i];
          if (k !== 0) text.delete(pos[i], k);
          if (s.length !== 0) text.insert(pos[i], s);
        }
      },
      text: (h) => h.text.toString(),
      encode: (h) => Y.encodeStateAsUpdate(h.doc),
      decode: (bytes) => {
        const doc = new Y.Doc();
        doc.clientID = 2;
        Y.applyUpdate(doc, bytes);
        return { doc, text: doc.getText('t') };
      },
      free: (h) => h.doc.destroy(),
    });
  }
  if (mods.Loro) {
    const { LoroDoc } = mods.Loro;
    out.push({
      id: 'loro',
      name: `loro-crdt ${v.loro ?? ''}`.trim(),
      encoding: "export({ mode: 'snapshot' }) (history + state)",
      create: () => {
        const doc = new LoroDoc();
        doc.setPeerId(1);
        return { doc, text: doc.getText('t') };
      },
      // commit() after every patch: one transaction per patch.
      replay: (h, t) => {
        const { pos, del, ins, n } = t;
        const { doc, text } = h;
        for (let i = 0; i < n; i++) {
          const k = del[i];
          const s = ins[i];
          if (k !== 0) text.delete(pos[i], k);
          if (s.length !== 0) text.insert(pos[i], s);
          doc.commit();
        }
      },
      text: (h) => h.text.toString(),
      encode: (h) => h.doc.export({ mode: 'snapshot' }),
      decode: (bytes) => {
        const doc = new LoroDoc();
        doc.import(bytes);
        return { doc, text: doc.getText('t') };
      },
      free: (h) => { h.text.free(); h.doc.free(); },
    });
  }
  if (mods.A) {
    const A = mods.A;
    const path = ['text'];
    out.push({
      id: 'automerge',
      name: `@automerge/automerge ${v.automerge ?? ''}`.trim(),
      encoding: 'Automerge.save(doc)',
      // A document whose root holds text: '' (one initial change), then one change per patch.
      create: () => A.from({ text: '' }, { actor: '01' }),
      replay: (h, t) => {
        const { pos, del, ins, n } = t;
        let doc = h;
        for (let i = 0; i < n; i++) {
          const p = pos[i];
          const k = del[i];
          const s = ins[i];
          doc = A.change(doc, (d) => { A.splice(d, path, p, k, s); });
        }
        return doc; // automerge documents are immutable: the caller keeps the returned one
      },
      text: (h) => h.text,
      encode: (h) => A.save(h),
      decode: (bytes) => A.load(bytes, { actor: '02' }),
      free: (h) => A.free(h),
    });
  }
  if (mods.DT) {
    const { Doc } = mods.DT;
    out.push({
      id: 'diamond-types',
      name: `diamond-types-node ${v.dt ?? ''}`.trim(),
      encoding: 'Doc.toBytes() (the wrapper\'s only encoding: ENCODE_FULL in the diamond-types source, inserted text kept (lz4), deleted text not)',
      create: () => new Doc('a'),
      // Doc.ins / Doc.del: one local op each, applied to the oplog and the document at once.
      replay: (d, t) => {
        const { pos, del, ins, n } = t;
        for (let i = 0; i < n; i++) {
          const k = del[i];
          const s = ins[i];
          if (k !== 0) d.del(pos[i], k);
          if (s.length !== 0) d.ins(pos[i], s);
        }
      },
      text: (d) => d.get(),
      encode: (d) => d.toBytes(),
      decode: (bytes) => Doc.fromBytes(bytes, 'b'),
      free: (d) => d.free(),
    });
  }
  return out;
}

/** Replays the whole trace on a new document; returns the document (a new one for automerge). */
export function build(ad, t) {
  const h = ad.create();
  const r = ad.replay(h, t);
  return r === undefined ? h : r;
}

/** Throws unless the text read from `h` is the trace's expected text. */
export function checkText(ad, h, t, what) {
  const got = ad.text(h);
  if (got !== t.expected) {
    let i = 0;
    while (i < got.length && got[i] === t.expected[i]) i++;
    throw new Error(`${ad.name}, ${t.name}: ${what} text differs from the expected text at index ${i}`
      + ` (length ${got.length}, expected ${t.expected.length}): ${JSON.stringify(got.slice(i, i + 30))}`
      + ` vs ${JSON.stringify(t.expected.slice(i, i + 30))}`);
  }
}

// ---------------------------------------------------------------- measured steps

const now = () => performance.now();

/** One timed replay of the trace on a fresh document (checked, then freed). */
export function applyRun(ad, t) {
  const h0 = ad.create();
  const t0 = now();
  const r = ad.replay(h0, t);
  const ms = now() - t0;
  const h = r === undefined ? h0 : r;
  checkText(ad, h, t, 'replayed');
  ad.free(h);
  return { ms };
}

/** One timed decode of `bytes` into a fresh document, then reading its text (checked, then freed). */
export function decodeRun(ad, t, bytes) {
  const t0 = now();
  const h = ad.decode(bytes);
  const t1 = now();
  const text = ad.text(h);
  const t2 = now();
  if (text !== t.expected) checkText(ad, h, t, 'decoded');
  ad.free(h);
  return { ms: t1 - t0, withTextMs: t2 - t0 };
}

/** One timed encode of a built document. */
export function encodeRun(ad, h) {
  const t0 = now();
  const bytes = ad.encode(h);
  return { ms: now() - t0, bytes: bytes.length };
}

/**
 * Everything measured for one library on one trace. Memory comes first, so that a fresh document's
 * growth does not hide behind linear memory grown by earlier runs: warm up on a prefix, then
 * memoryNow() (which collects garbage first), replay the whole trace, memoryNow() again. That
 * document is checked, encoded (size, encode time) and freed; decode and apply are timed after.
 * opts: { gc, memoryNow: async (ad) => ({ key: bytes | null }), warmPatches,
 *         runs: { apply, decode, encode } each { warmup, reps } }.
 */
export async function measureLibrary(ad, t, opts) {
  const { gc, memoryNow, runs } = opts;
  const out = { id: ad.id, name: ad.name, encoding: ad.encoding };
  const warm = build(ad, { ...t, n: Math.min(t.n, opts.warmPatches) });
  ad.free(warm);
  const before = await memoryNow(ad);
  const t0 = now();
  let doc = build(ad, t);
  out.firstMs = now() - t0;
  const after = await memoryNow(ad);
  out.mem = {};
  for (const k of Object.keys(after)) out.mem[k] = after[k] === null || before[k] === null ? null : after[k] - before[k];
  checkText(ad, doc, t, 'replayed');

  out.encode = await repeat(() => encodeRun(ad, doc), { ...runs.encode, gc });
  const bytes = ad.encode(doc);
  out.bytes = bytes.length;
  ad.free(doc);
  doc = null;

  out.decode = await repeat(() => decodeRun(ad, t, bytes), { ...runs.decode, gc });
  out.apply = await repeat(() => applyRun(ad, t), { ...runs.apply, gc });
  return out;
}

// ---------------------------------------------------------------- tables and the bar

const fmtMb = (x) => (x === null || x === undefined ? 'n/a' : mb(x));
const msCell = (m) => `${num(m.median)} (${num(m.min)})`;

/**
 * The main table. memCols: [[key, header], ...] of the memory deltas to show; total(mem) gives the
 * figure the memory bar compares.
 */
export function resultsTable(results, memCols, total) {
  const headers = ['library', 'apply ms, median (min)', 'runs', 'first run ms', 'encoded bytes', 'encode ms', 'decode ms, median (min)',
    'decode + read text ms', ...memCols.map(([, h]) => h), 'memory MB'];
  return table(headers,
    results.map((r) => [r.name, msCell(r.apply.ms), r.apply.ms.runs.length, num(r.firstMs), int(r.bytes), num(r.encode.ms.median),
      msCell(r.decode.ms), num(r.decode.withTextMs.median), ...memCols.map(([k]) => fmtMb(r.mem[k])), fmtMb(total(r.mem))]),
    headers.map((_, i) => (i ? 'r' : 'l')));
}

/**
 * The bar from the issue, per SyncKit engine: a Markdown table and one verdict line per engine.
 * Bars whose reference library was not run say so. total(mem) is the memory figure compared.
 */
export function barSection(results, total) {
  const by = (id) => results.find((r) => r.id === id);
  const dt = by('diamond-types');
  const yjs = by('yjs');
  const bars = [
    { text: 'apply time ≤ diamond-types-node\'s (same run, medians)', for: 'wasm', ref: dt, need: 'diamond-types-node', value: (r) => r.apply.ms.median, limit: (d) => d.apply.ms.median, unit: 'ms' },
    { text: 'apply time ≤ 1/4 of yjs\'s (medians)', for: 'js', ref: yjs, need: 'yjs', value: (r) => r.apply.ms.median, limit: (y) => y.apply.ms.median / 4, unit: 'ms' },
    { text: 'encoded size ≤ diamond-types\' encoded size', ref: dt, need: 'diamond-types-node', value: (r) => r.bytes, limit: (d) => d.bytes, unit: 'bytes' },
    { text: 'decode < 5 ms (median)', ref: {}, value: (r) => r.decode.ms.median, limit: () => 5, unit: 'ms', strict: true },
    { text: 'memory ≤ yjs\'s', ref: yjs, need: 'yjs', value: (r) => total(r.mem), limit: (y) => total(y.mem), unit: 'MB' },
  ];
  const fmt = (x, unit) => (unit === 'MB' ? `${fmtMb(x)} MB` : unit === 'bytes' ? `${int(x)} B` : `${num(x)} ms`);
  const engines = results.filter((r) => r.id.startsWith('synckit-'));
  const verdicts = new Map(engines.map((r) => [r.name, { met: 0, of: 0, open: 0 }]));
  const rows = bars.map((b) => {
    const row = [b.text + (b.for ? ` (set for ${b.for === 'wasm' ? 'wasm-gc' : 'JS'})` : '')];
    for (const r of engines) {
      const mine = !b.for || r.id === 'synckit-' + b.for;
      const v = verdicts.get(r.name);
      if (!b.ref) {
        row.push(`not measured (${b.need} not run here)`);
        if (mine) v.open++;
        continue;
      }
      const x = b.value(r);
      const lim = b.limit(b.ref);
      const ok = b.strict ? x < lim : x <= lim;
      if (mine) {
        v.of++;
        if (ok) v.met++;
      }
      row.push(`${ok ? 'met' : 'NOT met'}: ${fmt(x, b.unit)} vs ${fmt(lim, b.unit)}${mine ? '' : ' (for reference)'}`);
    }
    return row;
  });
  const lines = [table(['bar', ...engines.map((r) => r.name)], rows, ['l', ...engines.map(() => 'l')])];
  for (const [name, v] of verdicts) {
    lines.push(`\n${name}: ${v.met} of its ${v.of} measured bars met${v.open ? ` (${v.open} not measured here)` : ''}`
      + `${v.of && v.met === v.of && !v.open ? ': the bar is met' : ''}.`);
  }
  return lines.join('\n');
}
