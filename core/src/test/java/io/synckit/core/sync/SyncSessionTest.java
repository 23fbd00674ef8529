package io.synckit.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synckit.core.counter.PnCounter;
import io.synckit.core.text.TextDoc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SyncSession} driven the way the browser host drives it, against a real {@link SyncServer}. */
class SyncSessionTest {
    private final MemoryServerStore serverStore = new MemoryServerStore();
    private final SyncServer server = new SyncServer(serverStore, SyncServer.ALLOW_ALL, () -> 1.7e12, new SyncServer.Options());

    /** A host: carries out effects in order, persisting WRITE_s at once (a synchronous "commit"). */
    final class Host {
        final double replicaId;
        final SessionEffects persisted;
        SyncSession session;
        SyncServer.Connection conn;
        final Deque<byte[]> toClient = new ArrayDeque<>();
        final List<String> log = new ArrayList<>();
        boolean networkUp = true;
        double now = 1000;

        Host(double replicaId, SessionEffects persisted) {
            this.replicaId = replicaId;
            this.persisted = persisted;
            session = new SyncSession(replicaId, "token", () -> 0.5, null);
            persisted.loadInto(session);
            session.begin();
        }

        /** Runs effects and delivers frames until nothing moves. */
        void pump() {
            while (true) {
                List<SessionEffects.Effect> effects = SessionEffects.decode(session.drain());
                for (SessionEffects.Effect e : effects) {
                    log.add(e.toString());
                    persisted.persist(List.of(e));
                    switch (e.kind()) {
                        case SyncSession.SEND -> conn.onFrame(e.data());
                        case SyncSession.CONNECT -> {
                            if (networkUp) {
                                conn = server.accept(new SyncServer.Peer() {
                                    @Override
                                    public void send(byte[] frame) {
                                        toClient.add(frame);
                                    }

                                    @Override
                                    public void close() {
                                    }
                                });
                                session.client().onOpen(now);
                            } else {
                                session.client().onClose(now);
                            }
                        }
                        case SyncSession.CLOSE -> {
                            conn.onClose();
                            conn = null;
                            toClient.clear();
                        }
                        default -> {
                        }
                    }
                }
                if (!toClient.isEmpty()) {
                    session.client().onFrame(toClient.poll(), now);
                } else if (effects.isEmpty()) {
                    return;
                }
            }
        }

        /** A page reload: only what was persisted comes back. */
        void reload() {
            if (conn != null) {
                conn.onClose();
                conn = null;
            }
            toClient.clear();
            session = new SyncSession(replicaId, "token", () -> 0.5, null);
            persisted.loadInto(session);
            session.begin();
        }
    }

    @Test
    void aLocalChangeIsWrittenBeforeItsFrameIsSent() {
        Host a = new Host(1, new SessionEffects());
        PnCounter c = new PnCounter(1);
        a.session.open("c", c);
        a.session.client().start(a.now);
        a.pump();
        assertEquals(SyncClient.STATUS_ONLINE, a.session.client().status());
        a.log.clear();
        c.increment(3);
        a.session.client().localChange("c");
        a.pump();
        assertEquals(List.of("WRITE_LOCAL 1 c", "SEND", "WRITE_ACK 1"), a.log, "stored, then sent, then acknowledged");
    }

    @Test
    void twoSessionsConvergeAndAReloadRestoresDocumentsAndTheOutbox() {
        Host a = new Host(1, new SessionEffects());
        Host b = new Host(2, new SessionEffects());
        TextDoc ta = new TextDoc(1);
        TextDoc tb = new TextDoc(2);
        a.session.open("t", ta);
        b.session.open("t", tb);
        a.session.client().start(a.now);
        b.session.client().start(b.now);
        a.pump();
        b.pump();
        ta.insert(0, "Hello");
        a.session.client().localChange("t");
        a.pump();
        b.pump();
        assertEquals("Hello", tb.toString());
        assertTrue(b.log.contains("CHANGE t"), b.log.toString());

        // B edits offline, then reloads before it could send: the change comes back from what was stored.
        b.session.client().stop();
        b.pump();
        b.networkUp = false;
        tb.insert(5, " world");
        b.session.client().localChange("t");
        b.pump();
        assertEquals(1, b.session.client().pending());
        b.reload();
        TextDoc tb2 = new TextDoc(2);
        b.session.open("t", tb2);
        assertEquals("Hello world", tb2.toString(), "the document is rebuilt from the stored log");
        assertEquals(1, b.session.client().pending(), "and the outbox survived the reload");
        b.networkUp = true;
        b.session.client().start(b.now);
        b.pump();
        assertEquals(0, b.session.client().pending());
        a.pump();
        assertEquals("Hello world", ta.toString());
    }
}
