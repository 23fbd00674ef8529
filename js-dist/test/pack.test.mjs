// `npm pack` yields a tarball that installs into a fresh app: imports resolve through the exports
// map, both engines load from the installed files, and TypeScript resolves the declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack installs into a fresh app and runs on both engines', { timeout: 120_000 }, (t) => {
  const work = mkdtempSync(join(tmpdir(), 'synckit-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], pkgDir));
  const files = packed.files.map((f) => f.path);
  for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/core.js', 'dist/core.d.ts',
    'dist/engine/core.js', 'dist/engine/core.wasm', 'dist/engine/core.wasm-runtime.js', 'dist/synckit.js', 'dist/synckit.wasm',
    'dist/sync.js', 'dist/sync.d.ts', 'dist/storage.js', 'dist/storage.d.ts', 'dist/indexeddb.js',
    'dist/react.js', 'dist/react.d.ts']) {
    assert.ok(files.includes(f), `tarball lacks ${f}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('scripts/')), files.join(', '));

  const app = join(work, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', join(work, packed.filename)], app);
  assert.ok(existsSync(join(app, 'node_modules/@synckit/web/dist/engine/core.wasm')));

  writeFileSync(join(app, 'main.mjs'), `
    import { load, DecodeError } from '@synckit/web';
    import { load as loadCore } from '@synckit/web/core';
    const out = [];
    for (const engine of ['js', 'wasm']) {
      const core = await load({ engine });
      const a = new core.LwwDoc({ replicaId: 1 });
      a.set('title', 'Buy milk');
      const b = new (await loadCore({ engine })).LwwDoc({ replicaId: 2 });
      b.applyUpdate(a.encodeState());
      let decode = false;
      try { b.applyUpdate(new Uint8Array([1, 9])); } catch (e) { decode = e instanceof DecodeError; }
      out.push(core.engine + ':' + b.get('title') + ':' + decode);
    }
    out.push('auto:' + (await load()).engine);
    console.log(out.join(' '));
  `);
  const printed = execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8' }).trim();
  assert.equal(printed, 'js:Buy milk:true wasm:Buy milk:true auto:wasm');

  // The declarations resolve through the `types` conditions of the exports map.
  writeFileSync(join(app, 'usage.ts'), `
    import { load, open, memoryStorage, DecodeError, SyncError, type Core, type LwwDoc, type JsonValue, type Sync,
      type LiveDocument, type SyncStatus } from '@synckit/web';
    import { supportsWasmGc, randomReplicaId } from '@synckit/web/core';
    export async function demo(): Promise<JsonValue | undefined> {
      const core: Core = await load({ engine: supportsWasmGc() ? 'auto' : 'js' });
      const m: LwwDoc = new core.LwwDoc({ replicaId: randomReplicaId() });
      m.update({ title: 'x', tags: ['a'], meta: { n: 1 } });
      m.set(['meta', 'n'], 2);
      const bytes: Uint8Array = m.encodeState();
      try { m.applyUpdate(bytes); } catch (e) { if (e instanceof DecodeError) return e.code; }
      const likes = new core.Counter();
      likes.increment();
      const tags = new core.OrSet({ replicaId: 1 });
      tags.add('x');
      const order: string = core.FractionalIndex.between(null, null, 1);
      return m.get('title') ?? likes.value + tags.values().length + order;
    }
    // @ts-expect-error engine names are checked
    load({ engine: 'java' });
    // @ts-expect-error values must be JSON
    new (await load()).LwwDoc().set('k', new Map());
    export async function synced(): Promise<number> {
      const sync: Sync = await open({ url: 'wss://example.com/sync', token: async () => 'jwt', storage: memoryStorage() });
      const todo: LiveDocument = sync.document('todo-1');
      await todo.update({ title: 'Buy milk', done: false });
      const off: () => void = todo.subscribe((v) => v.title);
      off();
      await sync.text('n').insert(0, 'Hi');
      sync.text('n').subscribeDelta(({ delta }) => delta.length);
      const status: SyncStatus = sync.status;
      sync.onError((e) => { if (e instanceof SyncError) return e.code + e.docId; });
      // @ts-expect-error documents hold JSON
      await todo.set('k', new Map());
      await sync.close();
      return sync.counter('likes').value + sync.set('tags').values().length + status.length + sync.pendingCount;
    }
    const snapshot = new (await load()).LwwDoc().toJSON();
    // @ts-expect-error snapshots are read-only
    snapshot.x = 1;
  `);
  // The React entry's declarations, with React's own types as an app would have them installed.
  mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(pkgDir, 'node_modules/react'), join(app, 'node_modules/react'));
  symlinkSync(join(pkgDir, 'node_modules/@types/react'), join(app, 'node_modules/@types/react'));
  writeFileSync(join(app, 'usage-react.ts'), `
    import { createElement } from 'react';
    import { SyncKitProvider, useDocument, useText, useCounter, useSet, useSyncStatus } from '@synckit/web/react';
    import type { Sync } from '@synckit/web';
    export function Todo(): string {
      const [todo, update] = useDocument('todo-1');
      const [text, note] = useText('note-1');
      const [count, counter] = useCounter('likes');
      const [tags, set] = useSet('tags');
      const { status, pendingCount } = useSyncStatus();
      void update({ done: true });
      void note?.insert(0, 'x');
      void counter?.increment(1);
      void set?.add('t');
      // @ts-expect-error update takes an object of fields
      void update('done');
      return String(todo.title) + text + count + tags.join() + status + pendingCount;
    }
    export const app = (sync: Sync | null) => createElement(SyncKitProvider, { sync });
  `);
  const tsc = join(pkgDir, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--skipLibCheck', 'false', 'usage.ts', 'usage-react.ts'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.fail('tsc rejected the usage file:\n' + e.stdout + e.stderr);
  }
});
