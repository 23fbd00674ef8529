package io.synckit.web;

import io.synckit.bindings.JsClock;
import io.synckit.core.clock.WallClock;
import io.synckit.core.lww.LwwDoc;
import java.util.Map;
import org.teavm.jso.JSClass;
import io.synckit.bindings.JsBytes;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * {@link LwwDoc} as the engine class {@code LwwDoc}. Paths and values cross in core's binary JSON
 * form (see {@link CoreModule#readJson}); the npm layer validates values before encoding them.
 */
@JSClass(name = "LwwDoc")
public final class JsLwwDoc extends JsReplicated {
    private final LwwDoc doc;

    /** {@code fixedTime} < 0: the browser clock; otherwise a fixed wall time (tests, vectors). */
    /** Made by {@link CoreModule#newLwwDoc} (see there why not an exported constructor). */
    JsLwwDoc(double replicaId, double fixedTime, double maxClockSkewMillis) {
        this(create(replicaId, fixedTime, maxClockSkewMillis));
    }

    private JsLwwDoc(LwwDoc doc) {
        super(doc);
        this.doc = doc;
    }

    private static LwwDoc create(double replicaId, double fixedTime, double maxClockSkewMillis) {
        try {
            WallClock clock = fixedTime < 0 ? BrowserClock.INSTANCE : new FixedClock(fixedTime);
            return new LwwDoc(replicaId, clock, maxClockSkewMillis);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    /** Date.now(). */
    private static final class BrowserClock implements WallClock {
        static final BrowserClock INSTANCE = new BrowserClock();

        @Override
        public double nowMillis() {
            return JsClock.now();
        }
    }

    /** A fixed time, for tests and vectors. */
    private static final class FixedClock implements WallClock {
        private final double time;

        FixedClock(double time) {
            this.time = time;
        }

        @Override
        public double nowMillis() {
            return time;
        }
    }

    @JSExport
    public void set(Int8Array path, Int8Array value) {
        try {
            doc.set(CoreModule.path(JsBytes.fromJs(path)), CoreModule.readJson(JsBytes.fromJs(value)));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    @SuppressWarnings("unchecked")
    public void update(Int8Array path, Int8Array fieldsBytes) {
        try {
            Object fields = CoreModule.readJson(JsBytes.fromJs(fieldsBytes));
            if (!(fields instanceof Map)) {
                throw new IllegalArgumentException("update() takes an object of fields");
            }
            doc.update(CoreModule.path(JsBytes.fromJs(path)), (Map<String, Object>) fields);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void delete(Int8Array path) {
        try {
            doc.delete(CoreModule.path(JsBytes.fromJs(path)));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    /** The value at the path (binary JSON), or null when absent. */
    @JSExport
    public Int8Array get(Int8Array path) {
        try {
            Object v = doc.get(CoreModule.path(JsBytes.fromJs(path)));
            return v == null ? null : JsBytes.toJs(CoreModule.writeJson(v));
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public Int8Array toJSONBytes() {
        return JsBytes.toJs(CoreModule.writeJson(doc.toJSON()));
    }






}
