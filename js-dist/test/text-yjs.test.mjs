// Differential test: SyncKit's TextDoc against the yjs package. Seeded random sessions of 2-5 peers make
// the same single- and multi-character inserts and deletes on a SyncKit replica and a Yjs replica with
// the same client id, and exchange the same updates at the same moments, sometimes late and out of
// order. After every step each SyncKit replica's text must equal its Yjs twin's.
// Sessions: SYNCKIT_TEXT_SESSIONS (default 2000 per engine); a failure prints its seed
// (replay: SYNCKIT_TEXT_SEED=<seed> SYNCKIT_TEXT_SESSIONS=1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { load } from '../dist/core.js';

const SESSIONS = Number(process.env.SYNCKIT_TEXT_SESSIONS ?? 2000);
const BASE_SEED = Number(process.env.SYNCKIT_TEXT_SEED ?? (Date.now() % 1e9));

function prng(seed) { // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function session(core, seed) {
  const rnd = prng(seed);
  const int = (n) => Math.floor(rnd() * n);
  const n = 2 + int(4);
  const ids = new Set();
  while (ids.size < n) ids.add(int(2) ? 1 + int(10) : 1 + int(4294967294));
  const peers = [...ids].map((id) => {
    const y = new Y.Doc();
    y.clientID = id;
    return { ours: new core.TextDoc({ replicaId: id }), y, yt: y.getText('t') };
  });
  const check = (p, what) => assert.equal(p.ours.toString(), p.yt.toString(), `${what}; replay with SYNCKIT_TEXT_SEED=${seed} SYNCKIT_TEXT_SESSIONS=1`);
  const late = [];
  const capture = (from, to) => ({
    to,
    ours: from.ours.encodeDiff(to.ours.encodeStateVector()),
    y: Y.encodeStateAsUpdate(from.y, Y.encodeStateVector(to.y)),
  });
  const deliver = (m) => {
    m.to.ours.applyUpdate(m.ours);
    Y.applyUpdate(m.to.y, m.y);
    check(m.to, 'after an update');
  };
  const steps = 10 + int(50);
  for (let s = 0; s < steps; s++) {
    const p = peers[int(n)];
    const r = rnd();
    if (r < 0.55) {
      const len = p.ours.length;
      if (len > 0 && rnd() < 0.35) {
        const at = int(len);
        const count = 1 + int(Math.min(5, len - at));
        p.ours.delete(at, count);
        p.yt.delete(at, count);
      } else {
        const at = int(len + 1);
        const text = 'abcdefghij'.slice(0, 1 + (rnd() < 0.3 ? int(6) : 0)).split('').map(() => String.fromCharCode(97 + int(26))).join('');
        p.ours.insert(at, text);
        p.yt.insert(at, text);
      }
      check(p, 'after a local edit');
    } else if (r < 0.8) {
      const from = peers[int(n)];
      const to = peers[int(n)];
      if (from !== to) deliver(capture(from, to));
    } else if (r < 0.9) {
      const from = peers[int(n)];
      const to = peers[int(n)];
      if (from !== to) late.push(capture(from, to)); // delivered later, out of order
    } else if (late.length) {
      deliver(late.splice(int(late.length), 1)[0]);
    }
  }
  while (late.length) deliver(late.splice(int(late.length), 1)[0]);
  for (let round = 0; round < 2; round++) {
    for (const a of peers) for (const b of peers) if (a !== b) deliver(capture(a, b));
  }
  const text = peers[0].ours.toString();
  for (const p of peers) assert.equal(p.ours.toString(), text, `replicas diverged; replay with SYNCKIT_TEXT_SEED=${seed}`);
  return text.length;
}

for (const engine of ['js', 'wasm']) {
  test(`TextDoc orders text exactly as yjs 13.6.33 does (${SESSIONS} sessions, ${engine} engine, seeds ${BASE_SEED}..)`, async () => {
    const core = await load({ engine });
    let chars = 0;
    for (let i = 0; i < SESSIONS; i++) chars += session(core, BASE_SEED + i);
    assert.ok(chars > 0);
  });
}
