// @synckit/web/react on React 18: 'react' and 'react-dom' resolve to test/react18/node_modules (installed by
// the pretest script) for everything imported after the hook is registered, the package's own imports
// included. Same cases as react.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';

register('./react18/resolve-hook.mjs', import.meta.url);

test('React 18: values, targeted re-renders, stable snapshots, status', async () => {
  assert.match((await import('react')).version, /^18\./);
  const { hookCases, outsideAProvider } = await import('./react-cases.mjs');
  await hookCases();
  await outsideAProvider();
});
