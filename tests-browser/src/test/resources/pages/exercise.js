// Exercises the core API given a `load` function (from the ES module or from window.SyncKit) and
// reports what happened as plain data for the Java test to assert on.
window.exercise = async (load, engine) => {
  const core = await load(engine ? { engine } : {});
  const a = new core.LwwDoc({ replicaId: 1, fixedTime: 1700000000000 });
  const b = new core.LwwDoc({ replicaId: 2, fixedTime: 1700000000000 });
  a.update({ title: 'Buy milk', done: false, meta: { n: 0.1 } });
  b.set('title', 'Buy oat milk');               // concurrent, same time: replica 2 wins
  const fromA = a.encodeState();
  const changed = b.applyUpdate(fromA);
  a.applyUpdate(b.encodeDiff(a.encodeStateVector()));
  a.delete('done');
  b.applyUpdate(a.encodeDiff(b.encodeStateVector()));

  const likes = new core.Counter({ replicaId: 4294967297 });
  const likes2 = new core.Counter({ replicaId: 3 });
  likes.increment(5);
  likes2.decrement(2);
  likes.applyUpdate(likes2.encodeState());
  likes.applyUpdate(likes2.encodeState()); // a duplicate never counts twice

  const tags = new core.OrSet({ replicaId: 1 });
  tags.add('home');
  tags.add('work');
  tags.remove('home');

  const errorOf = (fn) => { try { fn(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
  return {
    engine: core.engine,
    version: core.version,
    a: a.toJSON(),
    b: b.toJSON(),
    changed,
    likes: likes.value,
    tags: tags.values(),
    order: [core.FractionalIndex.between(null, null, 1), core.FractionalIndex.between('a0B1', null, 1)],
    bytesType: Object.prototype.toString.call(fromA),
    bytesHead: Array.from(fromA.slice(0, 2)),
    decodeError: errorOf(() => b.applyUpdate(new Uint8Array([1, 16, 0, 0, 0, 0, 0, 0]))),
    argumentError: errorOf(() => new core.LwwDoc({ replicaId: -1 })),
    afterErrors: b.toJSON(),
  };
};
