// Bundle size, side by side: what a browser app downloads to create a document and set a key, per
// library (for SyncKit: open() a synced, persisted store; for yjs, also with its IndexedDB and
// WebSocket providers, the same job). Each peer is bundled by esbuild (ESM, minified, browser, wasm as a file
// beside the bundle) from a minimal entry; sizes are the sum of every output file, raw and gzip -9.
// SyncKit's numbers are its shipped artifacts (js-dist/dist, built by `npm run build`), per engine.
// Run: cd js-dist/bench && npm ci && node sizes.mjs
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../dist');
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

// extra: files a peer's bundle fetches at run time that esbuild cannot see (loro's browser build
// loads its wasm by URL); they count toward what the browser downloads.
const peers = {
  'yjs 13.6.33': `import * as Y from 'yjs';
    const d = new Y.Doc(); d.getMap('m').set('title', 'Buy milk'); globalThis.out = Y.encodeStateAsUpdate(d);`,
  // yjs's own stack for what SyncKit.open() does: persistence in IndexedDB and sync over a WebSocket.
  'yjs 13.6.33 + y-indexeddb 9.0.12 + y-websocket 3.1.0': `import * as Y from 'yjs';
    import { IndexeddbPersistence } from 'y-indexeddb'; import { WebsocketProvider } from 'y-websocket';
    const d = new Y.Doc(); new IndexeddbPersistence('app', d); new WebsocketProvider('ws://localhost:1234', 'room', d);
    d.getMap('m').set('title', 'Buy milk'); globalThis.out = Y.encodeStateAsUpdate(d);`,
  'loro-crdt 1.17.1': `import { LoroDoc } from 'loro-crdt';
    const d = new LoroDoc(); d.getMap('m').set('title', 'Buy milk'); globalThis.out = d.export({ mode: 'snapshot' });`,
  '@automerge/automerge 3.5.0': `import * as A from '@automerge/automerge';
    let d = A.init(); d = A.change(d, (x) => { x.title = 'Buy milk'; }); globalThis.out = A.save(d);`,
};

const extra = { 'loro-crdt 1.17.1': ['node_modules/loro-crdt/browser/loro_wasm_bg.wasm'] };

const rows = [];
function row(name, files) {
  const raw = files.reduce((n, f) => n + statSync(f).size, 0);
  const zipped = files.reduce((n, f) => n + gz(readFileSync(f)), 0);
  rows.push({ name, raw, gzip: zipped });
}

// SyncKit through the same bundler as the peers. esbuild splits the two lazily imported engines
// into their own chunks; an app downloads the main chunk plus the chunks of the engine it loads.
{
  const out = mkdtempSync(join(tmpdir(), 'size-'));
  const entry = join(here, '.entry.mjs');
  // The whole SDK: open() with IndexedDB, WebSocket sync, tabs; the engine is picked at run time.
  writeFileSync(entry, `import { open } from '../dist/index.js';
    const sync = await open({ url: 'ws://localhost:1234/sync', token: 't', name: 'app' });
    await sync.document('todo').update({ title: 'Buy milk' }); globalThis.out = sync;`);
  try {
    const result = await build({ entryPoints: [entry], outdir: out, bundle: true, minify: true, format: 'esm',
      splitting: true, platform: 'browser', target: 'es2022', external: ['node:*'], metafile: true, logLevel: 'error' });
    const chunks = Object.entries(result.metafile.outputs);
    const chunkWith = (input) => chunks.find(([, o]) => Object.keys(o.inputs).some((i) => i.endsWith(input)))[0];
    const abs = (f) => join(process.cwd(), f);
    // Every chunk but the other engine's: the main chunk, the lazily loaded IndexedDB storage, the engine.
    const jsEngine = chunkWith('engine/core.js');
    const wasmRuntime = chunkWith('engine/core.wasm-runtime.js');
    const all = chunks.map(([f]) => f);
    row('SyncKit, JS engine (bundled like the peers)', all.filter((f) => f !== wasmRuntime).map(abs));
    row('SyncKit, wasm-gc engine (bundled like the peers, + core.wasm)', [...all.filter((f) => f !== jsEngine).map(abs), join(dist, 'engine/core.wasm')]);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(entry, { force: true });
  }
}
row('SyncKit, script tag, JS engine (dist/synckit.js as shipped)', [join(dist, 'synckit.js')]);
row('SyncKit, script tag, wasm-gc engine (dist/synckit.js + synckit.wasm)', [join(dist, 'synckit.js'), join(dist, 'synckit.wasm')]);

for (const [name, source] of Object.entries(peers)) {
  const out = mkdtempSync(join(tmpdir(), 'size-'));
  const entry = join(here, '.entry.mjs');
  writeFileSync(entry, source);
  try {
    await build({ entryPoints: [entry], outdir: out, bundle: true, minify: true, format: 'esm', platform: 'browser',
      target: 'es2022', loader: { '.wasm': 'file' }, logLevel: 'error' });
    row(name, [...readdirSync(out).map((f) => join(out, f)), ...(extra[name] ?? []).map((f) => join(here, f))]);
  } catch (e) {
    rows.push({ name, error: e.message.split('\n')[0] });
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(entry, { force: true });
  }
}

console.log(`date ${new Date().toISOString()}, node ${process.version}, ${cpus().length} x ${cpus()[0].model}`);
console.log('| bundle | raw bytes | gzip -9 bytes |');
console.log('|---|--:|--:|');
for (const r of rows) console.log(r.error ? `| ${r.name} | failed: ${r.error} | |` : `| ${r.name} | ${r.raw} | ${r.gzip} |`);
