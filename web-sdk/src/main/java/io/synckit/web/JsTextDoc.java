package io.synckit.web;

import io.synckit.core.text.TextDoc;
import org.teavm.jso.JSClass;
import io.synckit.bindings.JsBytes;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Int8Array;
import org.teavm.jso.JSProperty;

/** {@link TextDoc} as the engine class {@code TextDoc} (the npm layer names {@link #text} toString). */
@JSClass(name = "TextDoc")
public final class JsTextDoc extends JsReplicated {
    private final TextDoc doc;

    @JSExport
    public JsTextDoc(double replicaId) {
        this(create(replicaId));
    }

    private JsTextDoc(TextDoc doc) {
        super(doc);
        this.doc = doc;
    }

    private static TextDoc create(double replicaId) {
        try {
            return new TextDoc(replicaId);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void insert(int index, String text) {
        try {
            doc.insert(index, text);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void delete(int index, int length) {
        try {
            doc.delete(index, length);
        } catch (RuntimeException e) {
            throw CoreModule.toJs(e);
        }
    }

    @JSExport
    public void recordChanges(boolean on) {
        doc.recordChanges(on);
    }

    /** The change log (see {@link TextDoc#takeChanges}) in binary JSON. */
    @JSExport
    public Int8Array takeChanges() {
        return JsBytes.toJs(CoreModule.writeJson(doc.takeChanges()));
    }

    @JSExport
    public String text() {
        return doc.toString();
    }

    @JSExport
    @JSProperty
    public int getLength() {
        return doc.length();
    }
}
