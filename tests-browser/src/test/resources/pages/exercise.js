// Exercises the core API given a `load` function (from the ES module or from window.SyncKit) and
// reports what happened as plain data for the Java test to assert on.
window.exercise = async (load, engine) => {
  const core = await load(engine ? { engine } : {});
  const a = new core.LwwMap({ replicaId: 1 });
  const b = new core.LwwMap({ replicaId: 2 });
  a.set('title', 'Buy milk');
  a.set('done', 'no');
  b.set('title', 'Buy oat milk');            // concurrent: replica 2 wins
  const fromA = a.encodeState();
  const changed = b.applyUpdate(fromA);
  a.applyUpdate(b.encodeState());
  a.delete('done');
  b.applyUpdate(a.encodeState());
  const errorOf = (fn) => { try { fn(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message, isSyncKitError: e instanceof Error && typeof e.code === 'string' }; } };
  return {
    engine: core.engine,
    version: core.version,
    a: a.get('title'),
    b: b.get('title'),
    keysB: b.keys(),
    sizeB: b.size,
    changed,
    bytesType: Object.prototype.toString.call(fromA),
    bytesHead: Array.from(fromA.slice(0, 2)),
    decodeError: errorOf(() => b.applyUpdate(new Uint8Array([1, 100]))),
    argumentError: errorOf(() => new core.LwwMap({ replicaId: -1 })),
    keysAfterErrors: b.keys(),
  };
};
