// @synckit/web/react on React 19 (the dev dependency); the cases are in react-cases.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hookCases, outsideAProvider } from './react-cases.mjs';

test('React 19: values, targeted re-renders, stable snapshots, status', async () => {
  assert.match((await import('react')).version, /^19\./);
  await hookCases();
});

test('a hook outside a provider says what is missing', outsideAProvider);
