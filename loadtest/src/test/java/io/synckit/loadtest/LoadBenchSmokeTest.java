package io.synckit.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A small run of the load benchmark against a spawned server, so the benchmark itself keeps working. */
class LoadBenchSmokeTest {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void smallRunDeliversEveryBroadcast() throws Exception {
        LoadBench.Options o = new LoadBench.Options();
        o.startServer = true;
        o.serverJar = Path.of(System.getProperty("synckit.server.jar", "../server/target/synckit-server.jar"));
        o.storage = "memory";
        o.connections = 200;
        o.docs = 20;
        o.rate = 200;
        o.duration = 5;
        o.ramp = 1000;
        o.seed = 42;
        o.drain = 10;
        o.warmup = 1;
        LoadBench.Result r = LoadBench.runForTest(o);

        assertEquals(200, r.held, "connections held; errors: " + r.errors);
        assertEquals(1200, r.updatesSent, "1 s of warm-up and 5 s measured at 200/s");
        assertEquals(200, r.warmupUpdates);
        assertEquals(1200 * 9, r.broadcastsExpected, "each update goes to the 9 other subscribers of its doc");
        assertEquals(r.broadcastsExpected, r.broadcastsReceived, "every broadcast arrived; errors: " + r.errors);
        assertEquals(0, r.unmatchedBroadcasts);
        assertEquals(r.acksExpected, r.acksReceived, "every update acknowledged");
        assertEquals(0, r.errorFrames, "errors: " + r.errors);
        assertEquals(0, r.closedDuringRun, "errors: " + r.errors);
        assertEquals(1000 * 9, r.fanout.getTotalCount(), "latencies of the measured phase only");
        assertEquals(1000, r.ack.getTotalCount());
        assertTrue(r.framesInPerSec > 0 && r.framesOutPerSec > r.framesInPerSec, "frames/s from /metrics");
        assertTrue(r.rssConnectedKb > 0, "server RSS read from /proc");
    }
}
