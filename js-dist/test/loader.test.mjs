// The loader and the JS-side argument checks, on both engines (Node 22 runs wasm-gc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sk from '../dist/index.js';
import * as core from '../dist/core.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('auto picks wasm-gc where it is supported (Node 22)', async () => {
  assert.equal(sk.supportsWasmGc(), true);
  const c = await sk.load();
  assert.equal(c.engine, 'wasm');
  assert.equal(c.engineFallbackReason, null);
  assert.equal(c.version, '0.1.0');
});

test('the shipped engines leave the wire codec out (only the test engine exports Protocol)', async () => {
  for (const engine of ['js', 'wasm']) {
    const c = await sk.load({ engine });
    assert.equal('Protocol' in c, false, engine);
    assert.equal(typeof c.LwwDoc, 'function', engine);
  }
});

test('where code generation from strings is off (a strict Content-Security-Policy), auto falls back to JS and works', () => {
  // TeaVM's wasm-gc runtime builds small glue functions with new Function; a page whose CSP lacks
  // 'unsafe-eval' refuses that. Node's --disallow-code-generation-from-strings refuses it the same way.
  const coreUrl = new URL('../dist/core.js', import.meta.url).href;
  const script = `const { load } = await import(${JSON.stringify(coreUrl)});
    const c = await load({ engine: 'auto' });
    const d = new c.LwwDoc({ replicaId: 1 }); d.set('a', 1);
    console.log(JSON.stringify({ engine: c.engine, reason: c.engineFallbackReason, value: d.toJSON() }));`;
  const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script],
    { cwd: fileURLToPath(new URL('.', import.meta.url)) }).toString();
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.equal(r.engine, 'js');
  assert.match(r.reason, /Code generation from strings disallowed/);
  assert.deepEqual(r.value, { a: 1 });
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
    for (const replicaId of [-1, 1.5, 2 ** 53, '1', null, NaN]) {
      for (const Type of [c.LwwDoc, c.Counter, c.OrSet]) {
        assert.throws(() => new Type({ replicaId }), sk.InvalidArgumentError, `${Type.name} replicaId ${replicaId}`);
      }
    }
    const doc = new c.LwwDoc({ replicaId: 2 ** 53 - 1 });
    assert.equal(doc.replicaId, 2 ** 53 - 1);
    assert.throws(() => doc.set(5, 'v'), (e) => e instanceof sk.InvalidArgumentError && /a path is a key/.test(e.message));
    assert.throws(() => doc.set('k', undefined), (e) => e instanceof sk.InvalidArgumentError && e.message === 'value is undefined; use null, or delete the field');
    assert.throws(() => doc.set('k', { when: new Date(0) }), (e) => /value\.when is a Date.*toISOString/.test(e.message));
    assert.throws(() => doc.set('k', [1, NaN]), (e) => /value\.1 is NaN; numbers must be finite/.test(e.message));
    assert.throws(() => doc.set('k', () => 1), sk.InvalidArgumentError);
    const cyclic = {}; cyclic.self = cyclic;
    assert.throws(() => doc.set('k', cyclic), (e) => /nests deeper than 64 levels \(or is circular\)/.test(e.message));
    assert.throws(() => doc.update('not an object'), sk.InvalidArgumentError);
    assert.throws(() => doc.applyUpdate([1, 0]), (e) => e instanceof sk.InvalidArgumentError && /Uint8Array/.test(e.message));
    assert.deepEqual(doc.toJSON(), {});
    const counter = new c.Counter({ replicaId: 1 });
    assert.throws(() => counter.increment('1'), sk.InvalidArgumentError);
    assert.throws(() => counter.increment(Infinity), sk.InvalidArgumentError);
    const set = new c.OrSet({ replicaId: 1 });
    assert.throws(() => set.add(1), sk.InvalidArgumentError);
  });

  test(`${engine}: replica ids default to random 53-bit ids`, async () => {
    const c = await sk.load({ engine });
    const ids = new Set(Array.from({ length: 50 }, () => new c.LwwDoc().replicaId));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.ok(Number.isSafeInteger(id) && id >= 0, String(id));
  });

  test(`${engine}: snapshots keep their identity until the value changes`, async () => {
    const c = await sk.load({ engine });
    const doc = new c.LwwDoc({ replicaId: 1 });
    doc.set('a', 1);
    const s1 = doc.toJSON();
    assert.equal(doc.toJSON(), s1);
    assert.ok(Object.isFrozen(s1));
    doc.set('b', { x: [1] });
    const s2 = doc.toJSON();
    assert.notEqual(s2, s1);
    assert.deepEqual(s2, { a: 1, b: { x: [1] } });
    assert.ok(Object.isFrozen(s2.b.x));
    const set = new c.OrSet({ replicaId: 1 });
    set.add('x');
    assert.equal(set.values(), set.values());
  });

  test(`${engine}: decode and clock errors are typed, with the engine's message`, async () => {
    const c = await sk.load({ engine });
    const doc = new c.LwwDoc({ replicaId: 1 });
    assert.throws(() => doc.applyUpdate(new Uint8Array([7, 16, 0, 0, 0, 0])), (e) =>
      e instanceof sk.DecodeError && e instanceof sk.SyncKitError && e.code === 'DECODE_ERROR' && /format 7 is newer than this SyncKit reads \(1\); upgrade SyncKit/.test(e.message));
    const future = new c.LwwDoc({ replicaId: 2, fixedTime: Date.now() + 48 * 3600 * 1000 });
    future.set('k', 'v');
    assert.throws(() => doc.applyUpdate(future.encodeState()), (e) =>
      e instanceof sk.ClockSkewError && e.code === 'CLOCK_SKEW' && /ahead of this device's clock/.test(e.message));
  });

  test(`${engine}: updates from one engine apply on the other`, async () => {
    const c = await sk.load({ engine });
    const other = await sk.load({ engine: engine === 'js' ? 'wasm' : 'js' });
    const a = new c.LwwDoc({ replicaId: 1 });
    a.update({ title: 'Buy milk', n: 0.1, big: 2 ** 53 - 1 });
    const bytes = a.encodeState();
    assert.ok(bytes instanceof Uint8Array);
    const b = new other.LwwDoc({ replicaId: 2 });
    assert.equal(b.applyUpdate(bytes), true);
    assert.deepEqual(b.toJSON(), { big: 2 ** 53 - 1, n: 0.1, title: 'Buy milk' });
    assert.deepEqual(Array.from(b.encodeState()), Array.from(bytes));
    assert.equal(c.FractionalIndex.between(null, null, 5), other.FractionalIndex.between(null, null, 5));
  });
}
