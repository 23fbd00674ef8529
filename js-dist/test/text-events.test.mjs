// TextDoc change events: a listener that applies each delta to a plain string must always hold the
// same text as the document, for local edits and for merged updates (seeded random sessions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../dist/core.js';

function applyDelta(text, delta) {
  let out = '';
  let i = 0;
  for (const op of delta) {
    if ('retain' in op) { out += text.slice(i, i + op.retain); i += op.retain; }
    else if ('insert' in op) out += op.insert;
    else i += op.delete;
  }
  return out + text.slice(i);
}

function prng(seed) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

for (const engine of ['js', 'wasm']) {
  test(`${engine}: deltas from subscribe() rebuild the text, local and remote`, async () => {
    const core = await load({ engine });
    const seed = Date.now() % 1e9;
    for (let s = 0; s < 300; s++) {
      const rnd = prng(seed + s);
      const int = (n) => Math.floor(rnd() * n);
      const docs = [1, 2, 3].map((replicaId) => new core.TextDoc({ replicaId }));
      const mirrors = docs.map(() => '');
      const offs = docs.map((d, k) => d.subscribe(({ delta }) => { mirrors[k] = applyDelta(mirrors[k], delta); }));
      for (let step = 0; step < 40; step++) {
        const k = int(3);
        const d = docs[k];
        const r = rnd();
        if (r < 0.6) {
          if (d.length > 0 && rnd() < 0.4) { const at = int(d.length); d.delete(at, 1 + int(Math.min(4, d.length - at))); }
          else d.insert(int(d.length + 1), 'xyz'.slice(0, 1 + int(3)));
        } else {
          const from = docs[int(3)];
          if (from !== d) d.applyUpdate(from.encodeDiff(d.encodeStateVector()));
        }
        assert.equal(mirrors[k], d.toString(), `seed ${seed + s}, step ${step}`);
      }
      offs.forEach((off) => off());
      docs[0].insert(0, 'after unsubscribe');
      assert.notEqual(mirrors[0], docs[0].toString(), 'an unsubscribed listener is not called');
    }
  });
}
