package io.synckit.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's meters, one registry per server (tests run several), scraped at {@code /metrics} in the
 * Prometheus text format. Names (Prometheus form): {@code synckit_connections_open},
 * {@code synckit_frames_in_total}, {@code synckit_frames_out_total}, {@code synckit_received_bytes_total},
 * {@code synckit_sent_bytes_total}, {@code synckit_update_latency_seconds} (histogram: an Update frame
 * from its arrival until the engine handled it, including the wait for the engine lock; the group commit
 * that follows is {@code synckit_commit_latency_seconds}, its size {@code synckit_commit_batch}),
 * {@code synckit_storage_errors_total}, {@code synckit_documents_open}, {@code synckit_slow_consumers_total}
 * (connections closed because their send queue was full), {@code synckit_tokens_expired_total}
 * (connections cut because their token expired while they were open), {@code synckit_rate_limited_total} (frames after
 * which a connection over its rate limit was read more slowly), {@code synckit_connections_throttled}
 * (connections whose next read is being held back right now).
 */
final class ServerMetrics {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AtomicInteger connectionsOpen = new AtomicInteger();
    final AtomicInteger connectionsThrottled = new AtomicInteger();
    final Counter framesIn = Counter.builder("synckit.frames.in").description("frames received").register(registry);
    final Counter framesOut = Counter.builder("synckit.frames.out").description("frames sent").register(registry);
    final Counter bytesIn = Counter.builder("synckit.received").baseUnit("bytes").description("frame bytes received")
            .register(registry);
    final Counter bytesOut = Counter.builder("synckit.sent").baseUnit("bytes").description("frame bytes sent")
            .register(registry);
    final Counter storageErrors = Counter.builder("synckit.storage.errors")
            .description("store calls that threw").register(registry);
    final Counter slowConsumers = Counter.builder("synckit.slow.consumers")
            .description("connections closed because they did not read their frames").register(registry);
    final Counter tokensExpired = Counter.builder("synckit.tokens.expired")
            .description("connections cut because their token expired while open").register(registry);
    final Counter rateLimited = Counter.builder("synckit.rate.limited")
            .description("frames after which a connection over its rate limit was read more slowly").register(registry);
    final io.micrometer.core.instrument.DistributionSummary commitBatch = io.micrometer.core.instrument.DistributionSummary
            .builder("synckit.commit.batch").description("updates made durable by one group commit")
            .publishPercentileHistogram().register(registry);
    final Timer commitLatency = Timer.builder("synckit.commit.latency")
            .description("one group commit: the transaction (and its fsync) for a batch of updates")
            .publishPercentileHistogram().register(registry);
    final Timer updateLatency = Timer.builder("synckit.update.latency")
            .description("an Update frame from arrival to handled (acknowledged or refused)")
            .publishPercentileHistogram().register(registry);

    ServerMetrics(java.util.function.IntSupplier openDocuments) {
        Gauge.builder("synckit.connections.open", connectionsOpen, AtomicInteger::get)
                .description("WebSocket connections open on /sync").register(registry);
        Gauge.builder("synckit.connections.throttled", connectionsThrottled, AtomicInteger::get)
                .description("connections over their rate limit whose next read is delayed").register(registry);
        Gauge.builder("synckit.documents.open", openDocuments::getAsInt)
                .description("documents held in memory by the engine").register(registry);
    }

    String scrape() {
        return registry.scrape();
    }
}
