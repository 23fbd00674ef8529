/** What a sync object keeps across reloads (see storage.js for the write operations). */
export interface Storage {
  load(): Promise<{
    replicaId?: number;
    nextSeq: number;
    outbox: { seq: number; docId: string; data: Uint8Array }[];
    logs: [string, Uint8Array[]][];
  }>;
  write(ops: readonly object[]): Promise<void>;
  setReplicaId(id: number): Promise<void>;
  close?(): Promise<void>;
}

/** Storage in memory; pass the same object to a second open() to simulate a reload. */
export function memoryStorage(): Storage;
