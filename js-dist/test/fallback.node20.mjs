// Run by Maven with the machine's own `node` (Node 20 on our machines, whose V8 predates final
// WebAssembly GC): `auto` must fall back to the JS engine, and forcing wasm must fail clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sk from '../dist/index.js';

const major = Number(process.versions.node.split('.')[0]);

test(`Node ${process.versions.node}: auto picks the engine this runtime supports`, async () => {
  const c = await sk.load({ engine: 'auto' });
  if (major < 22) {
    assert.equal(sk.supportsWasmGc(), false);
    assert.equal(c.engine, 'js');
    assert.match(c.engineFallbackReason, /does not support WebAssembly GC/);
    await assert.rejects(sk.load({ engine: 'wasm' }), sk.EngineUnavailableError);
  } else {
    assert.equal(c.engine, 'wasm');
  }
  const m = new c.LwwDoc({ replicaId: 1 });
  m.set('k', 'v');
  assert.equal(m.get('k'), 'v');
});
