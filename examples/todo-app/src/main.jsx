// The SyncKit example: one shared todo list in React. Every todo is a field of one synced document
// ({ title, done, order }); the order is a fractional-index key, so a drag between two todos takes a key
// between theirs and concurrent moves never clash. ?engine=js|wasm picks the engine, ?list=NAME the list.
import { createRoot } from 'react-dom/client';
import { useMemo, useState } from 'react';
import { load, open } from '@synckit/web';
import { SyncKitProvider, useDocument, useSyncStatus } from '@synckit/web/react';

const params = new URLSearchParams(location.search);
const listId = 'todos/' + (params.get('list') ?? 'shared');

async function token() {
  // The development server (--dev) hands out tokens; a real app asks its own backend for a JWT.
  const response = await fetch('/dev/token?sub=todo-app');
  if (!response.ok) throw new Error('this demo needs the server in --dev mode (GET /dev/token answered ' + response.status + ')');
  return (await response.json()).token;
}

function Status({ engine }) {
  const { status, pendingCount } = useSyncStatus();
  const text = status === 'synced' ? 'synced'
    : status === 'syncing' ? 'syncing ' + pendingCount + '…'
    : pendingCount ? 'saved on this device (' + pendingCount + ' to sync)' : 'saved on this device';
  const offline = status === 'offline' || status === 'connecting';
  document.body.dataset.status = status;
  return (
    <>
      {offline && <p className="banner" id="offline">You are offline: changes are saved on this device and sync when the connection is back.</p>}
      <p className="status">Engine: <strong id="engine">{engine}</strong> · <span id="sync">{text}</span></p>
    </>
  );
}

function Todo({ todo, onToggle, onRename, onDelete, onDragStart, onDrop }) {
  const [editing, setEditing] = useState(false);
  return (
    <li className={todo.done ? 'done' : ''} draggable onDragStart={onDragStart}
      onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-id={todo.id}>
      <input type="checkbox" checked={!!todo.done} onChange={(e) => onToggle(e.target.checked)} />
      {editing
        ? <input className="edit" defaultValue={todo.title} autoFocus
            onBlur={(e) => { setEditing(false); onRename(e.target.value.trim() || todo.title); }}
            onKeyDown={(e) => { if (e.key === 'Enter') e.target.blur(); if (e.key === 'Escape') setEditing(false); }} />
        : <span onDoubleClick={() => setEditing(true)}>{todo.title}</span>}
      <button onClick={onDelete}>Delete</button>
    </li>
  );
}

function App({ engine, order, me }) {
  const [doc, update, handle] = useDocument(listId);
  const [dragged, setDragged] = useState(null);
  const todos = useMemo(() => Object.entries(doc)
    .filter(([, t]) => t && typeof t === 'object')
    .map(([id, t]) => ({ id, ...t }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : 1)), [doc]);
  document.body.dataset.count = String(todos.length);

  const add = (event) => {
    event.preventDefault();
    const input = event.target.elements.title;
    const title = input.value.trim();
    if (!title) return;
    const last = todos.length ? todos[todos.length - 1].order : null;
    const id = me.toString(36) + '-' + Date.now().toString(36) + '-' + todos.length;
    update({ [id]: { title, done: false, order: order.between(last, null, me) } });
    input.value = '';
  };
  // Dropping on a todo puts the dragged one just before it.
  const dropBefore = (target) => {
    if (!dragged || dragged === target.id) return;
    const rest = todos.filter((t) => t.id !== dragged);
    const at = rest.findIndex((t) => t.id === target.id);
    const before = at > 0 ? rest[at - 1].order : null;
    handle.update([dragged], { order: order.between(before, rest[at].order, me) });
    setDragged(null);
  };
  return (
    <main>
      <h1>Todos</h1>
      <form id="add" onSubmit={add}>
        <input id="title" name="title" placeholder="What needs doing?" autoComplete="off" required />
        <button type="submit">Add</button>
      </form>
      <ul id="list">
        {todos.map((t) => (
          <Todo key={t.id} todo={t}
            onToggle={(done) => handle.update([t.id], { done })}
            onRename={(title) => title !== t.title && handle.update([t.id], { title })}
            onDelete={() => handle.delete(t.id)}
            onDragStart={() => setDragged(t.id)}
            onDrop={() => dropBefore(t)} />
        ))}
      </ul>
      <Status engine={engine} />
    </main>
  );
}

async function main() {
  const engine = params.get('engine') ?? 'auto';
  const sync = await open({ url: location.origin.replace(/^http/, 'ws') + '/sync', token, name: 'synckit-todo-app', engine });
  const core = await load({ engine: sync.engine });
  const me = sync.replicaId ?? Math.floor(Math.random() * 2 ** 31); // a follower tab has no replica id of its own
  sync.onError((e) => {
    const error = document.getElementById('error');
    error.hidden = false;
    error.textContent = e.code + ': ' + e.message;
  });
  document.body.dataset.engine = sync.engine;
  createRoot(document.getElementById('root')).render(
    <SyncKitProvider sync={sync}>
      <App engine={sync.engine} order={core.FractionalIndex} me={me} />
    </SyncKitProvider>,
  );
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  const error = document.getElementById('error');
  error.hidden = false;
  error.textContent = 'SyncKit failed to start: ' + e.message;
  document.body.dataset.ready = 'error';
});
