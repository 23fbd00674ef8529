package io.synckit.server;

import io.synckit.core.protocol.FrameCodec;
import io.synckit.core.protocol.Message;
import io.synckit.core.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare WebSocket for tests that speak the protocol by hand (or break it). */
final class RawWs implements WebSocket.Listener {
    final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** Payloads of WebSocket pong control frames (answers to {@code ws.sendPing}). */
    final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    final WebSocket ws;
    /** Stops reading (no more demand) after this many binary messages: a client that does not read. */
    volatile int readLimit = Integer.MAX_VALUE;
    private int received;

    private RawWs(URI uri, String origin) throws Exception {
        WebSocket.Builder b = WsSyncHost.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        ws = b.buildAsync(uri, this).get(10, TimeUnit.SECONDS);
    }

    static RawWs connect(URI uri) throws Exception {
        return new RawWs(uri, null);
    }

    static RawWs connect(URI uri, String origin) throws Exception {
        return new RawWs(uri, origin);
    }

    void send(byte[] frame) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(frame), true).get(10, TimeUnit.SECONDS);
    }

    void send(Message m) throws Exception {
        send(FrameCodec.encode(m));
    }

    /** The next frame, decoded; fails after 10 s. */
    Message next() throws Exception {
        byte[] f = frames.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within 10 s");
        }
        try {
            return FrameCodec.decode(f);
        } catch (ProtocolException e) {
            throw new AssertionError("the server sent a bad frame", e);
        }
    }

    int awaitClose() throws Exception {
        return closeCode.get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partial.write(b, 0, b.length);
        if (last) {
            frames.add(partial.toByteArray());
            partial.reset();
        }
        if (last) {
            received++;
        }
        if (received < readLimit) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        ByteBuffer copy = ByteBuffer.allocate(message.remaining());
        copy.put(message).flip();
        pongs.add(copy);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }
}
