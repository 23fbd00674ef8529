// Bytes crossing the engine boundary (JsBytes: small arrays copied one by one, larger ones through a
// reused buffer that only grows): every size, in an order that makes the buffer larger than the data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../dist/core.js';

const SIZES = [0, 1, 40, 63, 64, 65, 5000, 100, 70000, 65, 3, 20000, 200];

for (const engine of ['js', 'wasm']) {
  test(`${engine}: states of every size round-trip exactly, big before small`, async () => {
    const core = await load({ engine });
    for (const n of SIZES) {
      const doc = new core.TextDoc({ replicaId: 7 });
      if (n > 0) doc.insert(0, 'é'.repeat(n)); // 2 bytes each in UTF-8: bytes well past n
      const state = doc.encodeState();
      const copy = new core.TextDoc({ replicaId: 8 });
      copy.applyUpdate(state);
      assert.equal(copy.toString(), doc.toString(), `text of ${n} characters`);
      assert.deepEqual(copy.encodeState(), state, `state of ${n} characters (${state.length} bytes)`);
      assert.deepEqual(copy.encodeStateVector(), doc.encodeStateVector());
      assert.equal(doc.encodeDiff(copy.encodeStateVector()).length < 64, true, 'nothing new: a small diff');
    }
  });

  test(`${engine}: LwwDoc values of every size come back equal`, async () => {
    const core = await load({ engine });
    const doc = new core.LwwDoc({ replicaId: 9 });
    for (const n of SIZES) {
      const value = { text: 'ü'.repeat(n), list: Array.from({ length: n % 50 }, (_, i) => i) };
      doc.set(['k' + n], value);
      assert.deepEqual(doc.get(['k' + n]), value, `value with ${n} characters`);
    }
    const copy = new core.LwwDoc({ replicaId: 10 });
    copy.applyUpdate(doc.encodeState());
    assert.deepEqual(copy.toJSON(), doc.toJSON());
  });
}
