package io.synckit.core.sync;

/**
 * The {@link ClientStore} contract on {@link SyncSession}'s store, where a restart is what a page reload
 * does: only what the WRITE_ effects carried survives, loaded into a new session.
 */
class SyncSessionStoreTest extends ClientStoreContract {
    private SyncSession session;
    private SessionEffects persisted;

    @Override
    protected ClientStore newStore() {
        persisted = new SessionEffects();
        session = new SyncSession(1, "t", () -> 0.5, null);
        return session.store();
    }

    @Override
    protected ClientStore reopen(ClientStore s) {
        persisted.persist(SessionEffects.decode(session.drain()));
        session = new SyncSession(1, "t", () -> 0.5, null);
        persisted.loadInto(session);
        return session.store();
    }
}
