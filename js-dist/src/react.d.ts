import type { ReactNode, ReactElement } from 'react';
import type { JsonObject } from './core.js';
import type { Sync, SyncStatus, LiveDocument, LiveText, LiveCounter, LiveSet } from './sync.js';

/** Makes `sync` (from open(); null while rendering on the server) available to the hooks. */
export function SyncKitProvider(props: { sync: Sync | null; children?: ReactNode }): ReactElement;

/** The document (frozen; same object until it changes), `update(fields)`, and the handle (null on the server). */
export function useDocument(docId: string): [Readonly<JsonObject>, (fields: JsonObject) => Promise<void>, LiveDocument | null];
export function useText(docId: string): [string, LiveText | null];
export function useCounter(docId: string): [number, LiveCounter | null];
export function useSet(docId: string): [readonly string[], LiveSet | null];
export function useSyncStatus(): { readonly status: SyncStatus; readonly pendingCount: number };
