package io.synckit.bindings;

import java.nio.ByteBuffer;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSBuffer;
import org.teavm.jso.JSBufferType;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * Moves bytes across the JS boundary in bulk. JSO's default byte[] conversion goes element by
 * element, which in the wasm-gc build is a call into JS per byte (over half of decoding a 170 KB
 * text state). {@link JSBuffer} hands JS a typed-array view of the bytes instead.
 */
public final class JsBytes {
    /** Below this, a direct buffer's setup costs more than copying byte by byte. */
    private static final int SMALL = 64;

    private JsBytes() {
    }

    /** A JS copy of {@code bytes}. */
    public static Int8Array toJs(byte[] bytes) {
        if (bytes.length <= SMALL) {
            Int8Array out = Int8Array.create(bytes.length);
            for (int i = 0; i < bytes.length; i++) {
                out.set(i, bytes[i]);
            }
            return out;
        }
        ByteBuffer buffer = buffer(bytes.length);
        buffer.put(bytes);
        return copyOut(buffer, bytes.length);
    }

    /** A Java copy of a JS typed array (Int8Array or Uint8Array). */
    public static byte[] fromJs(Int8Array source) {
        byte[] out = new byte[source.getLength()];
        if (out.length <= SMALL) {
            for (int i = 0; i < out.length; i++) {
                out[i] = source.get(i);
            }
            return out;
        }
        ByteBuffer buffer = buffer(out.length);
        buffer.limit(out.length);
        copyIn(buffer, source);
        buffer.get(out);
        return out;
    }

    /**
     * One direct buffer, reused and grown by doubling: the wasm-gc build never frees a direct buffer
     * (allocating one per call leaked linear memory and slowed every later call), so at most about twice
     * the largest transfer stays allocated.
     */
    private static ByteBuffer shared;

    private static ByteBuffer buffer(int size) {
        if (shared == null || shared.capacity() < size) {
            shared = ByteBuffer.allocateDirect(Math.max(size, shared == null ? 4096 : shared.capacity() * 2));
        }
        shared.clear();
        return shared;
    }

    // The view JS gets covers the whole buffer, not position..limit: slice to the length.
    @JSBody(params = {"data", "length"}, script = "return data.slice(0, length);")
    private static native Int8Array copyOut(@JSBuffer(JSBufferType.INT8) ByteBuffer data, int length);

    @JSBody(params = {"target", "source"}, script = "target.set(source);")
    private static native void copyIn(@JSBuffer(JSBufferType.INT8) ByteBuffer target, Int8Array source);
}
