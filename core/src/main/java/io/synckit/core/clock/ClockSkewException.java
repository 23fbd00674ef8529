package io.synckit.core.clock;

/**
 * An update carries a timestamp too far ahead of this replica's clock (see {@link Hlc}). Thrown before
 * anything changes.
 */
public final class ClockSkewException extends RuntimeException {
    public ClockSkewException(String message) {
        super(message);
    }
}
