package io.synckit.server.storage;

import io.synckit.core.protocol.DocType;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link SqliteCrashTest}: appends updates {@code 1..n} to document "doc" of the store at
 * {@code args[0]} and prints each index on its own line once {@code append} has returned (acknowledged).
 * The parent kills it with SIGKILL part-way through.
 */
public final class SqliteCrashChild {
    private SqliteCrashChild() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        SqliteServerStore store = SqliteServerStore.open(file);
        out.println("open");
        out.flush();
        for (int i = 1; i <= n; i++) {
            store.append("doc", DocType.TEXT, SqliteCrashTest.update(i), 1, i);
            out.println(i);
            out.flush();
        }
        store.close();
        out.println("done");
        out.flush();
    }
}
