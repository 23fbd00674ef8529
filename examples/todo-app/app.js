// A local-first, shared todo list on SyncKit.open(): the todos live in one synced document (a field per
// todo: { title, done, order }), stored in IndexedDB first and synced through the server to everyone who
// opens the same list. The order comes from fractional-index keys, so concurrent adds never clash.
// ?engine=js or ?engine=wasm forces an engine; ?list=NAME opens another list.
// (The React version with drag-to-reorder comes with @synckit/web/react; see the open issues.)
import { open } from '/sdk/index.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

async function token() {
  // The development server (--dev) hands out tokens; a real app asks its own backend for a JWT.
  const response = await fetch('/dev/token?sub=todo-app');
  if (!response.ok) throw new Error('this demo needs the server in --dev mode (GET /dev/token answered ' + response.status + ')');
  return (await response.json()).token;
}

async function main() {
  const sync = await open({
    url: location.origin.replace(/^http/, 'ws') + '/sync',
    token,
    name: 'synckit-todo-app',
    engine: params.get('engine') ?? 'auto',
  });
  $('engine').textContent = sync.engine;
  document.body.dataset.engine = sync.engine;
  const todos = sync.document('todos/' + (params.get('list') ?? 'shared'));
  const { FractionalIndex } = await (await import('/sdk/index.js')).load({ engine: sync.engine });
  const me = sync.replicaId ?? Math.floor(Math.random() * 2 ** 31); // a follower tab has no replica id of its own

  const sorted = () => Object.entries(todos.get())
    .filter(([, t]) => t && typeof t === 'object')
    .map(([id, t]) => ({ id, ...t }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : 1));

  function render() {
    const list = $('list');
    list.replaceChildren();
    const items = sorted();
    for (const todo of items) {
      const li = document.createElement('li');
      li.className = todo.done ? 'done' : '';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !!todo.done;
      box.onchange = () => todos.update([todo.id], { done: box.checked });
      const text = document.createElement('span');
      text.textContent = todo.title;
      const del = document.createElement('button');
      del.textContent = 'Delete';
      del.onclick = () => todos.delete(todo.id);
      li.append(box, text, del);
      list.append(li);
    }
    document.body.dataset.count = String(items.length);
  }

  function renderStatus() {
    const offline = sync.status === 'offline' || sync.status === 'connecting';
    $('offline').hidden = !offline;
    $('sync').textContent = sync.status === 'synced' ? 'synced'
      : sync.status === 'syncing' ? 'syncing ' + sync.pendingCount + '…'
      : sync.pendingCount ? 'saved on this device (' + sync.pendingCount + ' to sync)' : 'saved on this device';
    document.body.dataset.status = sync.status;
  }

  $('add').onsubmit = (event) => {
    event.preventDefault();
    const title = $('title').value.trim();
    if (!title) return;
    const items = sorted();
    const last = items.length ? items[items.length - 1].order : null;
    const id = me.toString(36) + '-' + Date.now().toString(36) + '-' + items.length;
    todos.set(id, { title, done: false, order: FractionalIndex.between(last, null, me) });
    $('title').value = '';
  };
  todos.subscribe(render);
  sync.onChange(renderStatus);
  sync.onError((e) => {
    $('error').hidden = false;
    $('error').textContent = e.code + ': ' + e.message;
  });
  render();
  renderStatus();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  $('error').hidden = false;
  $('error').textContent = 'SyncKit failed to start: ' + e.message;
  document.body.dataset.ready = 'error';
});
