// Typed errors of @sigil/protocols: one class, a literal code per failure kind, the vendor's status and message.

/** Every error code @sigil/protocols throws. */
export type ProtocolErrorCode =
  | 'ERR_PINGID_AUTH_MISSING'
  | 'ERR_PINGID_AUTH_MALFORMED'
  | 'ERR_PINGID_AUTH_SIGNATURE'
  | 'ERR_PINGID_AUTH_EXPIRED'
  | 'ERR_PINGID_AUTH_REPLAYED'
  | 'ERR_PINGID_AUTH_MISMATCH'
  | 'ERR_PINGID_RESPONSE_SIGNATURE';

/** The one error class of @sigil/protocols. `code` is stable; `status` and `vendorMessage` come from a vendor reply. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  readonly status: number | undefined;
  readonly vendorMessage: string | undefined;

  constructor(
    code: ProtocolErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; vendorMessage?: string },
  ) {
    super(message, options);
    this.code = code;
    this.status = options?.status;
    this.vendorMessage = options?.vendorMessage;
  }
}
