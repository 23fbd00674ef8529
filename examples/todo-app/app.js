// A small local-first todo list on the SyncKit core: todos live in an LwwMap (one key per todo,
// the value a JSON string), saved to localStorage as the map's encoded state after every change.
// ?engine=js or ?engine=wasm forces an engine; the default picks wasm-gc where supported.
import { load } from '/sdk/index.js';

const STORAGE_KEY = 'synckit-todo-app:state';
const $ = (id) => document.getElementById(id);

function replicaId() {
  let id = Number(localStorage.getItem('synckit-todo-app:replica'));
  if (!Number.isInteger(id) || id <= 0) {
    id = 1 + Math.floor(Math.random() * 2147483646);
    localStorage.setItem('synckit-todo-app:replica', String(id));
  }
  return id;
}

function toBase64(bytes) { return btoa(String.fromCharCode(...bytes)); }
function fromBase64(text) { return Uint8Array.from(atob(text), (c) => c.charCodeAt(0)); }

async function main() {
  const engine = new URLSearchParams(location.search).get('engine') ?? 'auto';
  const core = await load({ engine });
  $('engine').textContent = core.engine;
  document.body.dataset.engine = core.engine;

  const todos = new core.LwwMap({ replicaId: replicaId() });
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved) todos.applyUpdate(fromBase64(saved));

  const save = () => { localStorage.setItem(STORAGE_KEY, toBase64(todos.encodeState())); render(); };

  function render() {
    const list = $('list');
    list.replaceChildren();
    const items = todos.keys().map((id) => ({ id, ...JSON.parse(todos.get(id)) }));
    items.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    for (const todo of items) {
      const li = document.createElement('li');
      li.className = todo.done ? 'done' : '';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = todo.done;
      box.onchange = () => { todos.set(todo.id, JSON.stringify({ ...todo, id: undefined, done: box.checked })); save(); };
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
    const id = todos.replicaId.toString(36) + '-' + Date.now().toString(36) + '-' + todos.size;
    todos.set(id, JSON.stringify({ title, done: false, created: Date.now() }));
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
