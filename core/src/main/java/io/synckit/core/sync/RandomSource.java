package io.synckit.core.sync;

/** Injected randomness (core has none of its own, so runs are reproducible): a double in [0, 1). */
@FunctionalInterface
public interface RandomSource {
    double next();
}
