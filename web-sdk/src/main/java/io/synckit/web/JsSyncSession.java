package io.synckit.web;

import io.synckit.bindings.JsBytes;
import io.synckit.bindings.JsRandom;
import io.synckit.core.sync.SyncClient;
import io.synckit.core.sync.SyncSession;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * {@link SyncSession} as the engine class {@code SyncSession}: the npm package's sync host (src/sync.js)
 * loads the stored data into it, opens documents through it, and after every call drains its effects
 * (store writes, frames, connect/close, events) and carries them out in order. Made by
 * {@link CoreModule#newSyncSession}. Times are Date.now() milliseconds passed in by the host.
 */
@JSClass(name = "SyncSession")
public final class JsSyncSession {
    private final SyncSession session;
    private final double replicaId;

    JsSyncSession(double replicaId, String token) {
        this.replicaId = replicaId;
        this.session = new SyncSession(replicaId, token, JsRandom::next, new SyncClient.Options());
    }

    @JSExport
    public void loadNextSeq(double nextSeq) {
        try {
            session.loadNextSeq(nextSeq);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void loadOutbox(double seq, String docId, Int8Array data) {
        try {
            session.loadOutbox(seq, docId, JsBytes.fromJs(data));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void loadDocLog(String docId, Int8Array entry) {
        try {
            session.loadDocLog(docId, JsBytes.fromJs(entry));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void begin() {
        try {
            session.begin();
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    // ---- documents: created here with this session's replica id, rebuilt from the store ----

    @JSExport
    public JsLwwDoc openLwwDoc(String docId, double maxClockSkewMillis) {
        JsLwwDoc doc = new JsLwwDoc(replicaId, -1, maxClockSkewMillis);
        open(docId, doc);
        return doc;
    }

    @JSExport
    public JsCounter openCounter(String docId) {
        JsCounter doc = new JsCounter(replicaId);
        open(docId, doc);
        return doc;
    }

    @JSExport
    public JsOrSet openOrSet(String docId) {
        JsOrSet doc = new JsOrSet(replicaId);
        open(docId, doc);
        return doc;
    }

    @JSExport
    public JsTextDoc openTextDoc(String docId) {
        JsTextDoc doc = new JsTextDoc(replicaId);
        open(docId, doc);
        return doc;
    }

    private void open(String docId, JsReplicated doc) {
        try {
            session.open(docId, doc.replicated());
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void closeDoc(String docId) {
        session.client().close(docId);
    }

    /** After each local change to an opened document: stores it and sends it when online. */
    @JSExport
    public void localChange(String docId) {
        try {
            session.client().localChange(docId);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    /** A change another tab made to an open document: applied, stored and sent as a local change. */
    @JSExport
    public void forward(String docId, Int8Array update) {
        try {
            session.client().forward(docId, JsBytes.fromJs(update));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    // ---- connection: the host reports what the socket did ----

    @JSExport
    public void start(double now) {
        session.client().start(now);
    }

    @JSExport
    public void stop() {
        session.client().stop();
    }

    @JSExport
    public void setToken(String token) {
        session.client().setToken(token);
    }

    @JSExport
    public void onOpen(double now) {
        session.client().onOpen(now);
    }

    @JSExport
    public void onFrame(Int8Array frame, double now) {
        session.client().onFrame(JsBytes.fromJs(frame), now);
    }

    @JSExport
    public void onClose(double now) {
        session.client().onClose(now);
    }

    @JSExport
    public void tick(double now) {
        session.client().tick(now);
    }

    /** When {@link #tick} is next due (Infinity: nothing scheduled). */
    @JSExport
    public double nextWakeAt() {
        return session.client().nextWakeAt();
    }

    @JSExport
    @JSProperty
    public int getStatus() {
        return session.client().status();
    }

    @JSExport
    @JSProperty
    public int getPending() {
        return session.client().pending();
    }

    /** The effects since the last drain, encoded as SyncSession describes (empty: nothing to do). */
    @JSExport
    public Int8Array drain() {
        return JsBytes.toJs(session.drain());
    }
}
