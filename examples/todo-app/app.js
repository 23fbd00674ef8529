// A small local-first todo list on the SyncKit core: the todos live in one LwwDoc (a field per
// todo), saved to localStorage as the document's encoded state after every change; the order
// comes from fractional-index keys. ?engine=js or ?engine=wasm forces an engine.
// (Sync with other devices arrives with the sync server; the React version with the Web SDK.)
import { load, randomReplicaId } from '/sdk/index.js';

const STORAGE_KEY = 'synckit-todo-app:state';
const $ = (id) => document.getElementById(id);

function replicaId() {
  let id = Number(localStorage.getItem('synckit-todo-app:replica'));
  if (!Number.isSafeInteger(id) || id <= 0) {
    id = randomReplicaId() || 1;
    localStorage.setItem('synckit-todo-app:replica', String(id));
  }
  return id;
}

const toBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function main() {
  const engine = new URLSearchParams(location.search).get('engine') ?? 'auto';
  const core = await load({ engine });
  $('engine').textContent = core.engine;
  document.body.dataset.engine = core.engine;

  const me = replicaId();
  const todos = new core.LwwDoc({ replicaId: me });
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved) todos.applyUpdate(fromBase64(saved));

  const save = () => { localStorage.setItem(STORAGE_KEY, toBase64(todos.encodeState())); render(); };
  const sorted = () => Object.entries(todos.toJSON())
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
      box.checked = todo.done;
      box.onchange = () => { todos.update([todo.id], { done: box.checked }); save(); };
      const text = document.createElement('span');
      text.textContent = todo.title;
      const del = document.createElement('button');
      del.textContent = 'Delete';
      del.onclick = () => { todos.delete(todo.id); save(); };
      li.append(box, text, del);
      list.append(li);
    }
    document.body.dataset.count = String(items.length);
  }

  $('add').onsubmit = (event) => {
    event.preventDefault();
    const title = $('title').value.trim();
    if (!title) return;
    const items = sorted();
    const last = items.length ? items[items.length - 1].order : null;
    const id = me.toString(36) + '-' + Date.now().toString(36) + '-' + items.length;
    todos.set(id, { title, done: false, order: core.FractionalIndex.between(last, null, me) });
    $('title').value = '';
    save();
  };
  render();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  $('error').hidden = false;
  $('error').textContent = 'SyncKit failed to start: ' + e.message;
  document.body.dataset.ready = 'error';
});
