// Server rendering: no window, no sync object. The hooks render empty values, and importing the React
// entry touches no browser global.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('server rendering with sync={null} renders empty values', async () => {
  assert.equal(typeof window, 'undefined');
  const React = await import('react');
  const { renderToString } = await import('react-dom/server');
  const { SyncKitProvider, useDocument, useText, useCounter, useSet, useSyncStatus } = await import('../dist/react.js');
  const h = React.createElement;
  function App() {
    const [todo] = useDocument('todo');
    const [text] = useText('note');
    const [count] = useCounter('likes');
    const [tags] = useSet('tags');
    const { status, pendingCount } = useSyncStatus();
    return h('p', null, JSON.stringify([todo, text, count, tags, status, pendingCount]));
  }
  const html = renderToString(h(SyncKitProvider, { sync: null }, h(App)));
  assert.equal(html, '<p>[{},&quot;&quot;,0,[],&quot;offline&quot;,0]</p>');
});
