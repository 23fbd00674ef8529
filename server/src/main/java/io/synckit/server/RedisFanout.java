package io.synckit.server;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/**
 * Scale-out: several server nodes share one PostgreSQL database and tell each other about acknowledged
 * updates through Redis pub/sub, so a client on one node sees the edits made on another at once.
 *
 * <p>Every update this node acknowledged (durable in the shared store) is published on {@link #CHANNEL}
 * as {@code [1][node id][doc id][type][update bytes]} (lengths as 4-byte big-endian ints, texts in UTF-8,
 * binary-safe). Each node subscribes to the channel and hands updates of other nodes to the engine's
 * {@code applyRemote} under the engine lock; its own messages are ignored. Redis carries no state: it is
 * a best-effort notification channel, the store stays the truth.
 *
 * <p>Threads: publishing happens on a thread of its own, fed by a bounded queue (the engine's listener
 * only enqueues, so a slow or dead Redis never holds the engine lock); the subscription on another.
 * When Redis is unreachable, one error is logged per outage (not per message), updates are dropped
 * instead of published, both threads retry in the background (backoff up to {@link #MAX_BACKOFF_MILLIS}),
 * and the engine is told to reload its documents from the store ({@code reloadDocuments}), at the
 * outage, at each retry and when Redis is back, so clients that subscribe again (the periodic re-sync of
 * SyncClient, or a reconnect) get what other nodes stored meanwhile. Serving, local fan-out and
 * durability never depend on Redis.
 */
public final class RedisFanout implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisFanout.class);
    public static final String CHANNEL = "synckit:updates";
    private static final byte[] CHANNEL_BYTES = CHANNEL.getBytes(StandardCharsets.UTF_8);
    private static final byte FORMAT = 1;
    /** The type of a notice "I was cut off and dropped updates: reload your documents from the store". */
    static final int TYPE_RELOAD = -1;
    static final int QUEUE_CAPACITY = 10_000;
    static final long MAX_BACKOFF_MILLIS = 2000;
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;
    private static final int PUBLISH_TIMEOUT_MILLIS = 2000;

    /** What the fan-out does to this node's engine (under its lock). */
    public interface Node {
        /** An update another node stored and acknowledged. */
        void applyRemote(String docId, byte[] data);

        /** Updates of other nodes may have been missed: reload documents from the store when next used. */
        void missed();
    }

    /** A decoded channel message. */
    record Message(String nodeId, String docId, int type, byte[] data) {
    }

    private final URI uri;
    private final String where;
    private final String nodeId;
    private final Node node;
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger outagesLogged = new AtomicInteger();
    /** Counts outages as seen by either thread (the publisher drops a connection opened before one). */
    private final AtomicInteger outages = new AtomicInteger();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong reloadNotices = new AtomicLong();
    private final Thread publisher;
    private final Thread subscriber;
    private volatile boolean closed;
    private volatile boolean subscribed;
    private volatile Jedis subscriberConnection;
    private volatile BinaryJedisPubSub pubSub;

    /** Starts publishing and subscribing on {@code redisUrl} ({@code redis://[user:password@]host:port[/db]}). */
    public RedisFanout(String redisUrl, Node node) {
        this.uri = URI.create(redisUrl.trim());
        if (uri.getHost() == null || !("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("--redis-url must look like redis://host:port, got '" + redisUrl + "'");
        }
        this.where = uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()); // never the password
        this.nodeId = UUID.randomUUID().toString();
        this.node = node;
        publisher = new Thread(this::publishLoop, "redis-fanout-publish");
        subscriber = new Thread(this::subscribeLoop, "redis-fanout-subscribe");
        publisher.setDaemon(true);
        subscriber.setDaemon(true);
        publisher.start();
        subscriber.start();
        LOG.info("scale-out: node {} fans updates out through Redis at {} (channel {})", nodeId, where, CHANNEL);
    }

    /** Wires a fan-out to the engine of {@code sync}: its acknowledged updates are published, remote ones applied. */
    static RedisFanout attach(String redisUrl, SyncService sync) {
        RedisFanout f = new RedisFanout(redisUrl, new Node() {
            @Override
            public void applyRemote(String docId, byte[] data) {
                sync.locked(engine -> {
                    engine.applyRemote(docId, data);
                    return null;
                });
            }

            @Override
            public void missed() {
                sync.locked(engine -> {
                    engine.reloadDocuments();
                    return null;
                });
            }
        });
        sync.setUpdateListener(f::publish);
        var registry = sync.metrics.registry;
        FunctionCounter.builder("synckit.fanout.published", f, RedisFanout::published)
                .description("updates published to the other nodes through Redis").register(registry);
        FunctionCounter.builder("synckit.fanout.received", f, RedisFanout::received)
                .description("updates of other nodes received through Redis").register(registry);
        FunctionCounter.builder("synckit.fanout.dropped", f, RedisFanout::dropped)
                .description("updates not published (Redis unreachable, or the queue full)").register(registry);
        FunctionCounter.builder("synckit.fanout.outages", f, RedisFanout::outagesLogged)
                .description("Redis outages (each logged once)").register(registry);
        Gauge.builder("synckit.fanout.subscribed", f, x -> x.subscribed() ? 1 : 0)
                .description("1 while subscribed to the Redis channel").register(registry);
        return f;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Subscribed to the channel right now. */
    public boolean subscribed() {
        return subscribed;
    }

    /** How many outages were logged as errors (one per outage). */
    public int outagesLogged() {
        return outagesLogged.get();
    }

    /** Messages published / received from other nodes / dropped (Redis down, or the queue full). */
    public long published() {
        return published.get();
    }

    public long received() {
        return received.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Notices received from nodes that were cut off alone ("reload from the store"). */
    public long reloadNotices() {
        return reloadNotices.get();
    }

    /** Queues an acknowledged update for publishing; never blocks (called under the engine lock). */
    public void publish(String docId, int type, byte[] data) {
        if (closed) {
            return;
        }
        if (down.get() || !queue.offer(encode(nodeId, docId, type, data))) {
            dropped.incrementAndGet();
        }
    }

    // ---- wire format ----

    static byte[] encode(String nodeId, String docId, int type, byte[] data) {
        byte[] n = nodeId.getBytes(StandardCharsets.UTF_8);
        byte[] d = docId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + n.length + 4 + d.length + 4 + data.length)
                .put(FORMAT).putInt(n.length).put(n).putInt(d.length).put(d).putInt(type).put(data).array();
    }

    /** The message, or null when the bytes are not one (another format, truncated, ...). */
    static Message decode(byte[] b) {
        if (b == null || b.length < 13 || b[0] != FORMAT) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(b, 1, b.length - 1);
        int n = in.getInt();
        if (n < 0 || n > in.remaining() - 8) {
            return null;
        }
        String nodeId = new String(b, in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        int d = in.getInt();
        if (d < 0 || d > in.remaining() - 4) {
            return null;
        }
        String docId = new String(b, in.position(), d, StandardCharsets.UTF_8);
        in.position(in.position() + d);
        int type = in.getInt();
        return new Message(nodeId, docId, type, Arrays.copyOfRange(b, in.position(), b.length));
    }

    // ---- threads ----

    private void publishLoop() {
        Jedis conn = null;
        int connEpoch = 0;
        long retryAt = 0;
        long backoff = 100;
        try {
            while (!closed) {
                byte[] msg = queue.poll(1, TimeUnit.SECONDS);
                if (msg == null) {
                    continue;
                }
                if (conn != null && connEpoch != outages.get()) {
                    closeQuietly(conn); // opened before an outage: most likely dead
                    conn = null;
                }
                if (conn == null && System.nanoTime() - retryAt < 0) {
                    dropped.incrementAndGet(); // other nodes' clients catch up from the store
                    continue;
                }
                try {
                    if (conn == null) {
                        connEpoch = outages.get();
                        conn = connect(PUBLISH_TIMEOUT_MILLIS);
                    }
                    try {
                        conn.publish(CHANNEL_BYTES, msg);
                    } catch (RuntimeException stale) {
                        // An idle connection may have died unnoticed: one more try on a new one.
                        closeQuietly(conn);
                        conn = null;
                        connEpoch = outages.get();
                        conn = connect(PUBLISH_TIMEOUT_MILLIS);
                        conn.publish(CHANNEL_BYTES, msg);
                    }
                    published.incrementAndGet();
                    backoff = 100;
                    markUp();
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                    markDown("publishing", e);
                    closeQuietly(conn);
                    conn = null;
                    retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(conn);
        }
    }

    private void subscribeLoop() {
        long backoff = 100;
        while (!closed) {
            BinaryJedisPubSub ps = new BinaryJedisPubSub() {
                @Override
                public void onSubscribe(byte[] channel, int subscribedChannels) {
                    subscribed = true;
                    markUp();
                }

                @Override
                public void onMessage(byte[] channel, byte[] message) {
                    onChannelMessage(message);
                }
            };
            pubSub = ps;
            try (Jedis conn = connect(0)) { // no read timeout: a quiet channel is fine
                subscriberConnection = conn;
                if (closed) {
                    break;
                }
                conn.subscribe(ps, CHANNEL_BYTES); // returns when unsubscribed (close), throws when the connection fails
                backoff = 100;
            } catch (RuntimeException e) {
                if (!closed) {
                    markDown("subscribed", e);
                }
            } finally {
                subscribed = false;
                subscriberConnection = null;
            }
            if (closed) {
                break;
            }
            if (down.get()) {
                node.missed(); // while down: documents come from the store, so clients that resubscribe catch up
            }
            try {
                if (closing.await(backoff, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private void onChannelMessage(byte[] message) {
        Message m = decode(message);
        if (m == null) {
            LOG.debug("ignored a message on {} that is not a SyncKit update", CHANNEL);
            return;
        }
        if (m.nodeId().equals(nodeId)) {
            return; // our own: already applied and broadcast here
        }
        if (m.type() == TYPE_RELOAD) {
            node.missed(); // that node dropped updates while cut off from Redis: they are in the store
            reloadNotices.incrementAndGet();
            return;
        }
        received.incrementAndGet();
        try {
            node.applyRemote(m.docId(), m.data());
        } catch (RuntimeException e) {
            LOG.warn("could not apply an update of node {} for {}: {}", m.nodeId(), m.docId(), e.toString());
        }
    }

    private void markDown(String doing, Exception e) {
        if (down.compareAndSet(false, true)) {
            outages.incrementAndGet();
            outagesLogged.incrementAndGet();
            LOG.error("Redis at {} failed while {} ({}): updates are not fanned out to other nodes until it is back. "
                    + "This node keeps serving; clients catch up from the database when they subscribe again. "
                    + "Reconnecting in the background.", where, doing, e.toString());
            try {
                node.missed();
            } catch (RuntimeException ignored) {
                // the next retry tries again
            }
        }
    }

    private void markUp() {
        if (down.compareAndSet(true, false)) {
            LOG.info("Redis at {} is reachable again: fan-out resumed", where);
            // Other nodes may not have seen this outage (only this node cut off): tell them to reload.
            queue.offer(encode(nodeId, "", TYPE_RELOAD, new byte[0]));
            try {
                node.missed(); // what other nodes published during the outage is in the store
            } catch (RuntimeException ignored) {
                // served from memory until the next reload
            }
        }
    }

    /** A connection speaking RESP2 (pub/sub on one connection; no protocol negotiation, no warning about it). */
    private Jedis connect(int readTimeoutMillis) {
        return new Jedis(uri, DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP2).autoNegotiateProtocol(false)
                .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS).socketTimeoutMillis(readTimeoutMillis).build());
    }

    private static void closeQuietly(Jedis j) {
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        closing.countDown();
        BinaryJedisPubSub ps = pubSub;
        if (ps != null && ps.isSubscribed()) {
            try {
                ps.unsubscribe();
            } catch (RuntimeException ignored) {
                // the connection is gone anyway
            }
        }
        Jedis c = subscriberConnection;
        if (c != null) {
            try {
                c.disconnect();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        publisher.interrupt();
        publisher.join(5000);
        subscriber.join(5000);
    }
}
