// Storage for SyncKit.open(): what a sync object keeps across reloads. A storage is an object with
//   load()            -> { replicaId?, nextSeq, outbox: [{ seq, docId, data }], logs: [[docId, [Uint8Array]]] }
//   write(ops)        -> commits a batch atomically, in order (ops are the engine's WRITE_ effects:
//                        { kind: 1, seq, docId, data } local change, { kind: 2, docId, data } remote update,
//                        { kind: 3, seq } acknowledged up to seq, { kind: 4, docId, data } compacted state)
//   setReplicaId(id)  -> remembers this device's replica id
//   close()           -> optional
// memoryStorage() keeps it in memory (tests, Node scripts); indexeddb.js keeps it in the browser.

/** Storage in memory. Pass the same object to a second open() to simulate a reload. */
export function memoryStorage() {
  let replicaId;
  let nextSeq = 1;
  const outbox = new Map(); // seq -> { seq, docId, data }
  const logs = new Map(); // docId -> [Uint8Array]
  const log = (docId) => logs.get(docId) ?? logs.set(docId, []).get(docId);
  return {
    async load() {
      return {
        replicaId,
        nextSeq,
        outbox: [...outbox.values()].sort((a, b) => a.seq - b.seq),
        logs: [...logs].map(([docId, entries]) => [docId, entries.slice()]),
      };
    },
    async write(ops) {
      for (const op of ops) applyWrite(op, outbox, log, (seq) => { nextSeq = Math.max(nextSeq, seq + 1); });
    },
    async setReplicaId(id) { replicaId = id; },
    async close() {},
  };
}

/** One engine write applied to an outbox map and a log accessor (shared with tests). */
export function applyWrite(op, outbox, log, sawSeq) {
  switch (op.kind) {
    case 1: outbox.set(op.seq, { seq: op.seq, docId: op.docId, data: op.data }); log(op.docId).push(op.data); sawSeq(op.seq); break;
    case 2: log(op.docId).push(op.data); break;
    case 3: for (const seq of [...outbox.keys()]) if (seq <= op.seq) outbox.delete(seq); break;
    case 4: { const l = log(op.docId); l.length = 0; l.push(op.data); break; }
    default: throw new Error(`unknown storage write ${op.kind}`);
  }
}
