// Run by tests-browser's NodeSyncTest against a real server: SyncKit.open() in Node 22 (its built-in
// WebSocket, memory storage) on both engines. Usage: node node-sync.mjs http://127.0.0.1:PORT/
// Prints one JSON line with the results; exits non-zero on failure.
import assert from 'node:assert/strict';
import * as sk from '../../dist/index.js';

const base = process.argv[2];
const url = base.replace(/^http/, 'ws') + 'sync';
const token = async (sub) => (await (await fetch(base + 'dev/token?sub=' + sub)).json()).token;
const until = async (what, cond, ms = 10000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
};

// Applies a Quill-style delta to a string (what an editor binding does).
const applyDelta = (text, delta) => {
  let out = '', at = 0;
  for (const op of delta) {
    if ('retain' in op) { out += text.slice(at, at + op.retain); at += op.retain; }
    else if ('insert' in op) out += op.insert;
    else at += op.delete;
  }
  return out + text.slice(at);
};

const results = {};
for (const engine of ['js', 'wasm']) {
  const room = `node-${engine}-${Date.now()}`;
  const a = await sk.open({ url, token: () => token('node-a'), storage: 'memory', engine });
  const bStorage = sk.memoryStorage();
  const b = await sk.open({ url, token: await token('node-b'), storage: bStorage, engine });
  assert.equal(a.engine, engine);
  const na = a.text(room + '/note');
  const nb = b.text(room + '/note');
  const shadowA = { text: '' };
  const shadowB = { text: '' };
  na.subscribeDelta(({ delta }) => { shadowA.text = applyDelta(shadowA.text, delta); });
  nb.subscribeDelta(({ delta }) => { shadowB.text = applyDelta(shadowB.text, delta); });
  const ca = a.counter(room + '/c');
  const cb = b.counter(room + '/c');
  await na.insert(0, 'hello');
  await ca.increment(2);
  await cb.increment(5);
  await until('b sees a', () => nb.toString() === 'hello' && cb.value === 7);
  await until('a sees b', () => ca.value === 7);
  await until('both synced', () => a.status === 'synced' && b.status === 'synced');
  // b goes away with a change it never sent, and comes back on the same storage: the change is sent then.
  await b.close();
  const b2 = await sk.open({ storage: bStorage, engine }); // offline: no url
  await b2.text(room + '/note').insert(5, ' world');
  assert.equal(b2.pendingCount, 1);
  await b2.close();
  const b3 = await sk.open({ url, token: await token('node-b'), storage: bStorage, engine });
  const nb3 = b3.text(room + '/note');
  assert.equal(nb3.toString(), 'hello world', 'restored from storage before connecting');
  await until('a sees the change made offline', () => na.toString() === 'hello world');
  assert.equal(shadowA.text, 'hello world', "a's deltas (its own insert, then b's) rebuild its text");
  assert.equal(shadowB.text, 'hello', "b's deltas (a remote insert) rebuilt its text");
  await until('b3 synced', () => b3.status === 'synced' && b3.pendingCount === 0);
  results[engine] = { text: na.toString(), counter: ca.value, replicaIdKept: b3.replicaId === b.replicaId };
  await a.close();
  await b3.close();
}
// A token function is asked again after the server refused its token (expired, revoked).
let asked = 0;
const c = await sk.open({ url, storage: 'memory', token: async () => (asked++ === 0 ? 'expired-token' : token('node-c')) });
const refused = [];
c.onError((e) => refused.push(e.code));
await c.counter('retry-' + Date.now()).increment();
await until('synced with the second token', () => c.status === 'synced', 15000);
results.tokenRetry = { refused, asked };
await c.close();
console.log(JSON.stringify(results));
