package io.synckit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link BrowserSafetyTest}'s check, on the sync engine ({@code io.synckit.core.sync}): SyncClient runs in
 * the browser, and SyncServer is held to the same rules since core is compiled by TeaVM as a whole.
 */
class SyncEngineBrowserSafetyTest {
    @Test
    void syncClassesUseNothingTeaVmHandlesBadly() throws IOException {
        Path dir = Paths.get("target/classes/io/synckit/core/sync");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        assertTrue(files.size() >= 6, "expected the sync classes in " + dir.toAbsolutePath());
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            for (String p : BrowserSafetyTest.problems(Files.readAllBytes(f))) {
                problems.add(f.getFileName() + ": " + p);
            }
        }
        assertEquals(List.of(), problems);
    }
}
