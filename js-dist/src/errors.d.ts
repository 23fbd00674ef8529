/** Every error SyncKit throws or rejects with. `code` is stable; the message says what to do. */
export class SyncKitError extends Error {
  constructor(code: string, message: string, options?: { cause?: unknown });
  readonly code: 'DECODE_ERROR' | 'INVALID_ARGUMENT' | 'INVALID_STATE' | 'CLOCK_SKEW' | 'ENGINE_UNAVAILABLE' | 'INTERNAL' | (string & {});
}
/** Bytes that cannot be decoded: truncated, corrupted, or written by a newer SyncKit. Nothing was changed. */
export class DecodeError extends SyncKitError { readonly code: 'DECODE_ERROR'; }
/** A sync protocol frame that does not decode, or exceeds a limit. */
export class ProtocolError extends SyncKitError { readonly code: 'MALFORMED_FRAME' | 'LIMIT_EXCEEDED'; }
/** An argument the API does not accept. */
export class InvalidArgumentError extends SyncKitError { readonly code: 'INVALID_ARGUMENT'; }
/** An update stamped too far ahead of this device's clock (see maxClockSkewMs); nothing was applied. */
export class ClockSkewError extends SyncKitError { readonly code: 'CLOCK_SKEW'; }
/** A call not allowed in the object's current state. */
export class InvalidStateError extends SyncKitError { readonly code: 'INVALID_STATE'; }
/** The requested engine cannot run in this environment. */
export class EngineUnavailableError extends SyncKitError { readonly code: 'ENGINE_UNAVAILABLE'; }
