// The hook cases, shared by react.test.mjs (React 19, the package's dev dependency) and react18.test.mjs
// (React 18 through a module resolution hook): values, re-renders only for the document a component reads,
// stable snapshots, status. Needs a real sync object (memory storage) and a DOM (jsdom).
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';

export async function hookCases() {
  const dom = new JSDOM('<!doctype html><div id="root"></div>');
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  const React = await import('react');
  const { createRoot } = await import('react-dom/client');
  const sk = await import('../dist/index.js');
  const { SyncKitProvider, useDocument, useCounter, useText, useSet, useSyncStatus } = await import('../dist/react.js');
  const { act, createElement: h } = React;

  const sync = await sk.open({ storage: 'memory', engine: 'js' });
  const renders = { todo: 0, likes: 0, status: 0 };
  const seen = { todo: [], likes: [], status: [], note: [], tags: [] };
  let update;
  function Todo() {
    const [todo, up] = useDocument('todo');
    update = up;
    renders.todo++;
    seen.todo.push(todo);
    return h('p', null, todo.title ?? '(none)');
  }
  function Likes() {
    const [count, counter] = useCounter('likes');
    renders.likes++;
    seen.likes.push([count, counter]);
    return h('p', null, String(count));
  }
  function Status() {
    const s = useSyncStatus();
    renders.status++;
    seen.status.push(s);
    return h('p', null, s.status + ' ' + s.pendingCount);
  }
  function Note() {
    const [text] = useText('note');
    const [tags] = useSet('tags');
    seen.note.push(text);
    seen.tags.push(tags);
    return null;
  }
  const root = createRoot(document.getElementById('root'));
  await act(async () => {
    root.render(h(SyncKitProvider, { sync }, h(Todo), h(Likes), h(Status), h(Note)));
  });
  assert.equal(document.getElementById('root').textContent, '(none)0offline 0');
  const [todoRenders, likesRenders] = [renders.todo, renders.likes];

  await act(async () => { await update({ title: 'Buy milk' }); });
  assert.equal(renders.todo, todoRenders + 1, 'the document that changed re-rendered once');
  assert.equal(renders.likes, likesRenders, 'a component reading another document did not re-render');
  assert.deepEqual(seen.todo.at(-1), { title: 'Buy milk' });
  assert.ok(Object.isFrozen(seen.todo.at(-1)));

  const counter = seen.likes.at(-1)[1];
  await act(async () => { await counter.increment(3); });
  assert.equal(renders.todo, todoRenders + 1, 'the todo did not re-render for the counter');
  assert.equal(seen.likes.at(-1)[0], 3);
  assert.equal(document.getElementById('root').textContent, 'Buy milk3offline 2', 'status shows the 2 pending changes');
  assert.equal(seen.status.at(-1), seen.status.at(-1), 'status object');
  const statusRenders = renders.status;
  await act(async () => { root.render(h(SyncKitProvider, { sync }, h(Todo), h(Likes), h(Status), h(Note))); });
  assert.equal(seen.todo.at(-1), seen.todo.at(-2), 'the snapshot kept its identity across an unrelated render');
  assert.equal(seen.status.at(-1), seen.status.at(-2), 'so did the status object');
  assert.ok(renders.status > statusRenders);
  assert.equal(seen.note.at(-1), '');
  assert.deepEqual(seen.tags.at(-1), []);
  await act(async () => root.unmount());
  await sync.close();
}

export async function outsideAProvider() {
  const React = await import('react');
  const { renderToString } = await import('react-dom/server');
  const { useCounter } = await import('../dist/react.js');
  const Bad = () => { useCounter('x'); return null; };
  assert.throws(() => renderToString(React.createElement(Bad)), /SyncKitProvider/);
}
