package io.synckit.core.codec;

/**
 * Thrown when bytes cannot be decoded: truncated, corrupt, or written by a newer format version.
 * Decoders throw only this type, and throw it before changing any state, so a caller can drop the
 * input and keep going.
 */
public final class DecodeException extends RuntimeException {
    public DecodeException(String message) {
        super(message);
    }
}
