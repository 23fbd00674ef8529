// @synckit/web/react: hooks over a sync object from open(), built on useSyncExternalStore. A component
// re-renders when the document it reads changes, and not when another one does; a value keeps its
// identity until it changes. Nothing here touches `window` or storage at import time, and on the server
// (no sync object) the hooks return empty values, so server rendering is safe.
import { createContext, createElement, useContext, useMemo, useSyncExternalStore, useCallback } from 'react';
import { InvalidStateError } from './errors.js';

const SyncContext = createContext(undefined);

/** Makes `sync` (from open(); null while rendering on the server) available to the hooks below. */
export function SyncKitProvider({ sync, children }) {
  return createElement(SyncContext.Provider, { value: sync ?? null }, children);
}

function useSync() {
  const sync = useContext(SyncContext);
  if (sync === undefined) {
    throw new InvalidStateError('SyncKit hooks need a <SyncKitProvider sync={sync}> above them (sync from open())');
  }
  return sync; // null: server rendering
}

const EMPTY_OBJECT = Object.freeze({});
const EMPTY_ARRAY = Object.freeze([]);
const noSubscription = () => () => {};

function useLive(kind, docId, empty) {
  const sync = useSync();
  const live = useMemo(() => (sync ? sync[kind](docId) : null), [sync, kind, docId]);
  const subscribe = useCallback((onChange) => (live ? live.subscribe(onChange) : () => {}), [live]);
  const value = useSyncExternalStore(live ? subscribe : noSubscription,
    () => (live ? live.snapshot() : empty), () => empty);
  return [value, live];
}

/** `[value, update, doc]`: the document (frozen), `update(fields)` (resolves once stored locally), the handle. */
export function useDocument(docId) {
  const [value, live] = useLive('document', docId, EMPTY_OBJECT);
  const update = useCallback((fields) => (live ? live.update(fields) : Promise.reject(serverOnly())), [live]);
  return [value, update, live];
}

/** `[text, handle]`: the text, and the handle with insert / delete / subscribeDelta. */
export function useText(docId) {
  return useLive('text', docId, '');
}

/** `[count, counter]`: the value, and the handle with increment / decrement. */
export function useCounter(docId) {
  return useLive('counter', docId, 0);
}

/** `[elements, set]`: the elements in ascending order (frozen), and the handle with add / remove / has. */
export function useSet(docId) {
  return useLive('set', docId, EMPTY_ARRAY);
}

const OFFLINE = Object.freeze({ status: 'offline', pendingCount: 0 });

/** `{ status, pendingCount }`, the same object until one of them changes. */
export function useSyncStatus() {
  const sync = useSync();
  const cache = useMemo(() => ({ key: '', value: OFFLINE }), [sync]);
  const subscribe = useCallback((onChange) => (sync ? sync.onChange(onChange) : () => {}), [sync]);
  const snapshot = () => {
    if (!sync) return OFFLINE;
    const key = sync.status + ' ' + sync.pendingCount;
    if (key !== cache.key) {
      cache.key = key;
      cache.value = Object.freeze({ status: sync.status, pendingCount: sync.pendingCount });
    }
    return cache.value;
  };
  return useSyncExternalStore(subscribe, snapshot, () => OFFLINE);
}

function serverOnly() {
  return new InvalidStateError('no sync object here (server rendering): changes are made in the browser');
}
