package io.synckit.web;

import io.synckit.core.lww.LwwMap;
import org.teavm.jso.JSClass;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;

/** {@link LwwMap} as the JS class {@code LwwMap}. */
@JSClass(name = "LwwMap")
public final class JsLwwMap {
    private final LwwMap map;

    @JSExport
    public JsLwwMap(int replicaId) {
        try {
            map = new LwwMap(replicaId);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void set(String key, String value) {
        try {
            map.set(key, value);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void delete(String key) {
        try {
            map.delete(key);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public String get(String key) {
        return map.get(key);
    }

    @JSExport
    public String[] keys() {
        return map.keys();
    }

    @JSExport
    @JSProperty
    public int getSize() {
        return map.size();
    }

    @JSExport
    @JSProperty
    public int getReplicaId() {
        return map.replicaId();
    }

    @JSExport
    public byte[] encodeState() {
        return map.encodeState();
    }

    @JSExport
    public int applyUpdate(byte[] update) {
        try {
            return map.applyUpdate(update);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }
}
