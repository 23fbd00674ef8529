package io.synckit.core.sync;

/** {@link MemoryClientStore} keeps the {@link ClientStore} contract (a restart keeps the same object). */
class MemoryClientStoreTest extends ClientStoreContract {
    @Override
    protected ClientStore newStore() {
        return new MemoryClientStore();
    }
}
