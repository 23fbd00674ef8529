// IndexedDB storage for SyncKit.open() (see storage.js for the interface). Database `synckit:NAME`,
// schema version 1:
//   meta    key 'replicaId' | 'nextSeq'          -> number
//   outbox  key seq                               -> { docId, data }     unacknowledged local changes
//   log     key [docId, n] (n increases forever)  -> Uint8Array          per document, oldest first
// A write batch is one readwrite transaction: all of it is stored, or none (an abort rejects).
// Migrations: onupgradeneeded runs each step from the stored version up to VERSION.
const VERSION = 1;
const MIGRATIONS = {
  1(db) {
    db.createObjectStore('meta');
    db.createObjectStore('outbox');
    db.createObjectStore('log');
  },
};

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

function openDb(name) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('synckit:' + name, VERSION);
    req.onupgradeneeded = (ev) => {
      for (let v = ev.oldVersion + 1; v <= VERSION; v++) MIGRATIONS[v](req.result, req.transaction);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab upgrading to a newer schema: let it (this tab's next write fails and says to reload).
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`the database synckit:${name} is open in another tab with an older version; close that tab`));
  });
}

export async function indexedDbStorage(name) {
  const db = await openDb(name);
  let nextSeq = 1;
  let nextLogKey = 0;
  const done = (tx) => new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => {}; // the abort that follows carries the error
  });
  return {
    async load() {
      const tx = db.transaction(['meta', 'outbox', 'log'], 'readonly');
      const meta = tx.objectStore('meta');
      const [replicaId, storedNext, seqs, changes, keys, entries] = await Promise.all([
        request(meta.get('replicaId')), request(meta.get('nextSeq')),
        request(tx.objectStore('outbox').getAllKeys()), request(tx.objectStore('outbox').getAll()),
        request(tx.objectStore('log').getAllKeys()), request(tx.objectStore('log').getAll()),
      ]);
      nextSeq = storedNext ?? 1;
      const outbox = seqs.map((seq, i) => ({ seq, docId: changes[i].docId, data: changes[i].data }));
      const logs = new Map();
      keys.forEach(([docId, n], i) => {
        nextLogKey = Math.max(nextLogKey, n + 1);
        (logs.get(docId) ?? logs.set(docId, []).get(docId)).push(entries[i]);
      });
      return { replicaId, nextSeq, outbox, logs: [...logs] };
    },
    async write(ops) {
      const tx = db.transaction(['meta', 'outbox', 'log'], 'readwrite');
      const meta = tx.objectStore('meta');
      const outbox = tx.objectStore('outbox');
      const log = tx.objectStore('log');
      for (const op of ops) {
        switch (op.kind) {
          case 1:
            outbox.put({ docId: op.docId, data: op.data }, op.seq);
            log.put(op.data, [op.docId, nextLogKey++]);
            if (op.seq + 1 > nextSeq) meta.put((nextSeq = op.seq + 1), 'nextSeq');
            break;
          case 2: log.put(op.data, [op.docId, nextLogKey++]); break;
          case 3: outbox.delete(IDBKeyRange.upperBound(op.seq)); break;
          case 4:
            log.delete(IDBKeyRange.bound([op.docId, -Infinity], [op.docId, Infinity]));
            log.put(op.data, [op.docId, nextLogKey++]);
            break;
          default: throw new Error(`unknown storage write ${op.kind}`);
        }
      }
      await done(tx);
    },
    async setReplicaId(id) {
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').put(id, 'replicaId');
      await done(tx);
    },
    async close() { db.close(); },
  };
}
