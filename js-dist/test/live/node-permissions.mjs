// Run by tests-browser's NodeSyncTest against a production-mode server (HS256 tokens, no --dev):
// a read-only token's write is refused with SyncError FORBIDDEN, and a token that expires while
// connected shows up as UNAUTHENTICATED and is replaced through the token function.
// Usage: node node-permissions.mjs ws://127.0.0.1:PORT/sync READ_ONLY_TOKEN WRITER_TOKEN SHORT_TOKEN FRESH_TOKEN
import * as sk from '../../dist/index.js';

const [url, readOnly, writer, short, fresh] = process.argv.slice(2);
const until = async (what, cond, ms = 15000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const w = await sk.open({ url, token: writer, storage: 'memory' });
await w.counter('ro/c').increment(5);
await until('writer synced', () => w.status === 'synced');

const r = await sk.open({ url, token: readOnly, storage: 'memory' });
const errors = [];
r.onError((e) => errors.push({ name: e.name, code: e.code, docId: e.docId }));
const rc = r.counter('ro/c');
await until('reader sees 5', () => rc.value === 5);
await rc.increment(1); // stored locally, refused by the server
await until('refused', () => errors.length > 0 && r.pendingCount === 0);

let asked = 0;
const e = await sk.open({ url, storage: 'memory', token: () => (asked++ === 0 ? short : fresh) });
const expiry = [];
e.onError((x) => expiry.push(x.code));
e.counter('ro/c');
await until('cut at expiry, then back with the fresh token', () => expiry.includes('UNAUTHENTICATED') && asked >= 2
  && e.status === 'synced');
const result = { forbidden: errors[0], readerValue: rc.value, writerValue: w.counter('ro/c').value, expiry, asked };
await w.close();
await r.close();
await e.close();
console.log(JSON.stringify(result));
