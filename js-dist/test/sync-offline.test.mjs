// SyncKit.open() without a server, on both engines: local-first documents in memory storage, a reload
// through the same storage object, and the typed errors of the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sk from '../dist/index.js';

for (const engine of ['js', 'wasm']) {
  test(`${engine}: changes are stored locally and come back after a reload`, async () => {
    const storage = sk.memoryStorage();
    const sync = await sk.open({ engine, storage, name: 'offline' });
    assert.equal(sync.status, 'offline');
    const todo = sync.document('todo-1');
    const seen = [];
    const off = todo.subscribe((v) => seen.push(v));
    await todo.update({ title: 'Buy milk', done: false });
    const first = todo.get();
    assert.deepEqual(first, { title: 'Buy milk', done: false });
    assert.equal(todo.get(), first, 'the snapshot keeps its identity until the document changes');
    assert.ok(Object.isFrozen(first));
    await todo.delete('done');
    assert.deepEqual(todo.get(), { title: 'Buy milk' });
    assert.notEqual(todo.get(), first);
    assert.equal(seen.length, 2);
    off();
    const note = sync.text('note-1');
    await note.insert(0, 'Hi!');
    await note.delete(2, 1);
    const likes = sync.counter('likes');
    await likes.increment(3);
    await likes.decrement();
    const tags = sync.set('tags');
    await tags.add('x');
    await tags.add('y');
    await tags.remove('x');
    assert.equal(sync.pendingCount, 9, 'every change waits in the outbox for a server');
    const replicaId = sync.replicaId;
    await sync.close();
    assert.throws(() => todo.update({ a: 1 }), sk.InvalidStateError);

    const again = await sk.open({ engine, storage, name: 'offline' });
    assert.equal(again.replicaId, replicaId, 'the replica id is kept in storage');
    assert.deepEqual(again.document('todo-1').get(), { title: 'Buy milk' });
    assert.equal(again.text('note-1').toString(), 'Hi');
    assert.equal(again.counter('likes').value, 2);
    assert.deepEqual(again.set('tags').values(), ['y']);
    assert.equal(again.pendingCount, 9, 'the outbox survived the reload');
    await again.counter('likes').increment();
    assert.equal(again.pendingCount, 10);
    await again.close();
  });

  test(`${engine}: bad arguments are typed errors that say what to do`, async () => {
    await assert.rejects(sk.open({ engine, storage: 'memory', url: 'http://example.com' }),
      (e) => e instanceof sk.InvalidArgumentError && /ws:\/\/ or wss:\/\//.test(e.message));
    await assert.rejects(sk.open({ engine }), (e) => e instanceof sk.InvalidArgumentError && /storage: 'memory'/.test(e.message),
      'Node has no IndexedDB: the error names the option');
    const sync = await sk.open({ engine, storage: 'memory' });
    assert.throws(() => sync.document(''), sk.InvalidArgumentError);
    sync.counter('c');
    assert.throws(() => sync.document('c'), (e) => e instanceof sk.InvalidArgumentError && /already open as a counter/.test(e.message));
    assert.throws(() => sync.counter('c').increment('1'), sk.InvalidArgumentError);
    await sync.close();
  });

  test(`${engine}: a failing storage rejects the change, reports it and stops`, async () => {
    const storage = sk.memoryStorage();
    const sync = await sk.open({ engine, storage });
    const errors = [];
    sync.onError((e) => errors.push(e));
    const c = sync.counter('c');
    await c.increment();
    // What IndexedDB throws when the site's storage quota is full.
    storage.write = async () => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    await assert.rejects(c.increment(), (e) => e instanceof sk.StorageError
      && e.message === "could not store changes locally: The quota has been exceeded. The browser's storage for this site is full: free some space, then reload.");
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof sk.StorageError);
    assert.equal(sync.error, errors[0]);
    assert.equal(sync.status, 'offline');
    assert.throws(() => c.increment(), sk.StorageError, 'no more changes after a failed write');
    await sync.close();
  });
}
