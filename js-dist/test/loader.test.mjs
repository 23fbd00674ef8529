// The loader and the JS-side argument checks, on both engines (Node 22 runs wasm-gc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sk from '../dist/index.js';
import * as core from '../dist/core.js';

test('auto picks wasm-gc where it is supported (Node 22)', async () => {
  assert.equal(sk.supportsWasmGc(), true);
  const c = await sk.load();
  assert.equal(c.engine, 'wasm');
  assert.equal(c.engineFallbackReason, null);
  assert.equal(c.version, '0.1.0');
});

test('the same engine loads once; the subpath and the root share it', async () => {
  assert.equal(await sk.load({ engine: 'js' }), await core.load({ engine: 'js' }));
  assert.notEqual(await sk.load({ engine: 'js' }), await sk.load({ engine: 'wasm' }));
});

test('an unknown engine name is an InvalidArgumentError', async () => {
  await assert.rejects(sk.load({ engine: 'java' }), (e) => e instanceof sk.InvalidArgumentError && /'auto', 'wasm' or 'js'/.test(e.message));
});

test('a missing wasm file with engine wasm rejects; with auto it falls back to JS and says why', async () => {
  const wasmUrl = new URL('./no-such.wasm', import.meta.url);
  await assert.rejects(sk.load({ engine: 'wasm', wasmUrl }), (e) => e instanceof sk.EngineUnavailableError && e.code === 'ENGINE_UNAVAILABLE');
  const c = await sk.load({ engine: 'auto', wasmUrl });
  assert.equal(c.engine, 'js');
  assert.match(c.engineFallbackReason, /no-such\.wasm/);
});

for (const engine of ['js', 'wasm']) {
  test(`${engine}: bad arguments give the same typed errors on every engine`, async () => {
    const c = await sk.load({ engine });
    for (const replicaId of [undefined, -1, 1.5, 2 ** 31, '1', null]) {
      assert.throws(() => new c.LwwMap({ replicaId }), sk.InvalidArgumentError, `replicaId ${replicaId}`);
    }
    assert.throws(() => new c.LwwMap(), sk.InvalidArgumentError);
    const m = new c.LwwMap({ replicaId: 2147483647 });
    assert.equal(m.replicaId, 2147483647);
    assert.throws(() => m.set(5, 'v'), (e) => e instanceof sk.InvalidArgumentError && e.message === 'key must be a string; got number');
    assert.throws(() => m.set('k', undefined), sk.InvalidArgumentError);
    assert.throws(() => m.get(null), sk.InvalidArgumentError);
    assert.throws(() => m.applyUpdate([1, 0]), (e) => e instanceof sk.InvalidArgumentError && /Uint8Array/.test(e.message));
    assert.equal(m.size, 0);
  });

  test(`${engine}: decode errors are DecodeError instances with the engine's message`, async () => {
    const c = await sk.load({ engine });
    const m = new c.LwwMap({ replicaId: 1 });
    assert.throws(() => m.applyUpdate(new Uint8Array([7])), (e) =>
      e instanceof sk.DecodeError && e instanceof sk.SyncKitError && e.code === 'DECODE_ERROR' && /version 7 is not supported/.test(e.message));
  });

  test(`${engine}: encodeState returns a Uint8Array that the other engine reads`, async () => {
    const c = await sk.load({ engine });
    const other = await sk.load({ engine: engine === 'js' ? 'wasm' : 'js' });
    const a = new c.LwwMap({ replicaId: 1 });
    a.set('k', 'v');
    const bytes = a.encodeState();
    assert.ok(bytes instanceof Uint8Array);
    const b = new other.LwwMap({ replicaId: 2 });
    assert.equal(b.applyUpdate(bytes), 1);
    assert.equal(b.get('k'), 'v');
    assert.deepEqual(Array.from(b.encodeState()), Array.from(bytes));
  });
}
