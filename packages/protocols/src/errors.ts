// Typed errors of @sigil/protocols: one class, a literal code per failure kind, the vendor's status and message.

/** Every error code @sigil/protocols throws. */
export type ProtocolErrorCode =
  | 'ERR_VENDOR_TIMEOUT'
  | 'ERR_PINGID_AUTH_MISSING'
  | 'ERR_PINGID_AUTH_MALFORMED'
  | 'ERR_PINGID_AUTH_SIGNATURE'
  | 'ERR_PINGID_AUTH_EXPIRED'
  | 'ERR_PINGID_AUTH_REPLAYED'
  | 'ERR_PINGID_AUTH_MISMATCH'
  | 'ERR_PINGID_RESPONSE_SIGNATURE'
  | 'ERR_PINGID_HTTP'
  | 'ERR_PINGID_RESPONSE'
  | 'ERR_PINGONE_SIGNING_INPUT'
  | 'ERR_PINGONE_ALGORITHM'
  | 'ERR_PINGONE_KEY'
  | 'ERR_PINGONE_SIGNATURE'
  | 'ERR_PINGONE_HTTP'
  | 'ERR_PINGONE_RESPONSE'
  | 'ERR_SIGNPATH_ALGORITHM'
  | 'ERR_SIGNPATH_PAYLOAD'
  | 'ERR_SIGNPATH_KEY'
  | 'ERR_SIGNPATH_HTTP'
  | 'ERR_SIGNPATH_RESPONSE'
  | 'ERR_SIGNPATH_TIMEOUT'
  | 'ERR_FORTANIX_ALGORITHM'
  | 'ERR_FORTANIX_ITEM'
  | 'ERR_FORTANIX_MODE'
  | 'ERR_FORTANIX_DIGEST_LENGTH'
  | 'ERR_FORTANIX_CREDENTIALS'
  | 'ERR_FORTANIX_KEY'
  | 'ERR_FORTANIX_HTTP'
  | 'ERR_FORTANIX_RESPONSE';

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

/**
 * True when `error` is a @sigil/protocols error, with the given code if one is named. Checks the name and code, not
 * the class, so an error from another copy of the package (or one rebuilt across a worker boundary) still counts.
 */
export function isProtocolError(error: unknown, code?: ProtocolErrorCode): error is ProtocolError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  if (candidate.name !== 'ProtocolError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}
