package io.synckit.core.sync;

/** {@link MemoryServerStore} keeps the {@link ServerStore} contract (a restart keeps the same object). */
class MemoryServerStoreTest extends ServerStoreContract {
    @Override
    protected ServerStore newStore() {
        return new MemoryServerStore();
    }
}
