// Replays the real editing traces (../shared/traces beside the repository, or SYNCKIT_TRACES) one
// patch at a time on the JS and the wasm-gc engine: the final text equals endContent, and encode ->
// decode gives an equal document. Outside CI a missing folder skips with a message; with CI=true it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { load } from '../dist/core.js';

const dir = process.env.SYNCKIT_TRACES ?? fileURLToPath(new URL('../../../shared/traces/', import.meta.url));

for (const name of ['automerge-paper', 'seph-blog1', 'friendsforever_flat']) {
  const file = join(dir, name + '.json.gz');
  const present = existsSync(file);
  if (!present && process.env.CI === 'true') {
    test(`trace ${name}`, () => assert.fail(`${file} is missing; CI needs ../shared/traces (or SYNCKIT_TRACES)`));
    continue;
  }
  for (const engine of ['js', 'wasm']) {
    test(`trace ${name} replays to endContent on the ${engine} engine`, { skip: present ? false : `${file} not found (set SYNCKIT_TRACES)` }, async () => {
      const trace = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
      const core = await load({ engine });
      const doc = new core.TextDoc({ replicaId: 1 });
      doc.insert(0, trace.startContent);
      for (const txn of trace.txns) {
        for (const [pos, del, ins] of txn.patches) {
          if (del > 0) doc.delete(pos, del);
          if (ins.length > 0) doc.insert(pos, ins);
        }
      }
      assert.equal(doc.length, trace.endContent.length);
      assert.equal(doc.toString(), trace.endContent);
      const state = doc.encodeState();
      const copy = new core.TextDoc({ replicaId: 2 });
      copy.applyUpdate(state);
      assert.equal(copy.toString(), trace.endContent);
      assert.deepEqual(copy.encodeState(), state);
    });
  }
}
