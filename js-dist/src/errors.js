// Public error classes. The engine (Java, compiled by TeaVM) throws plain errors named
// 'SyncKitEngineError' with a stable `code`; `fromEngine` turns them into these classes so
// callers can use `instanceof` or `err.code` the same way on both engines.

export class SyncKitError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'SyncKitError';
    this.code = code;
  }
}

/** Bytes that cannot be decoded: truncated, corrupted, or written by a newer SyncKit. */
export class DecodeError extends SyncKitError {
  constructor(message, options) {
    super('DECODE_ERROR', message, options);
    this.name = 'DecodeError';
  }
}

/** An argument the API does not accept; the message says which and what to pass instead. */
export class InvalidArgumentError extends SyncKitError {
  constructor(message, options) {
    super('INVALID_ARGUMENT', message, options);
    this.name = 'InvalidArgumentError';
  }
}

/** An update stamped too far ahead of this device's clock; it was not applied. */
export class ClockSkewError extends SyncKitError {
  constructor(message, options) {
    super('CLOCK_SKEW', message, options);
    this.name = 'ClockSkewError';
  }
}

/** A call that is not allowed in the object's current state. */
export class InvalidStateError extends SyncKitError {
  constructor(message, options) {
    super('INVALID_STATE', message, options);
    this.name = 'InvalidStateError';
  }
}

/**
 * A sync protocol frame that does not decode (code MALFORMED_FRAME) or exceeds a limit (code
 * LIMIT_EXCEEDED); the message names the field and the limit.
 */
export class ProtocolError extends SyncKitError {
  constructor(code, message, options) {
    super(code, message, options);
    this.name = 'ProtocolError';
  }
}

/** The requested engine cannot run here (e.g. `engine: 'wasm'` without WebAssembly GC). */
export class EngineUnavailableError extends SyncKitError {
  constructor(message, options) {
    super('ENGINE_UNAVAILABLE', message, options);
    this.name = 'EngineUnavailableError';
  }
}

const byCode = {
  DECODE_ERROR: DecodeError,
  INVALID_ARGUMENT: InvalidArgumentError,
  INVALID_STATE: InvalidStateError,
  CLOCK_SKEW: ClockSkewError,
};

export function fromEngine(e) {
  if (e instanceof SyncKitError) return e;
  if (e && e.name === 'SyncKitEngineError') {
    if (e.code === 'MALFORMED_FRAME' || e.code === 'LIMIT_EXCEEDED') return new ProtocolError(e.code, e.message, { cause: e });
    const Type = byCode[e.code];
    return Type ? new Type(e.message, { cause: e }) : new SyncKitError(e.code || 'INTERNAL', e.message, { cause: e });
  }
  const detail = e && e.message ? e.message : String(e);
  return new SyncKitError('INTERNAL', 'SyncKit engine failed: ' + detail + ' (this is a bug in SyncKit; please report it)', { cause: e });
}
