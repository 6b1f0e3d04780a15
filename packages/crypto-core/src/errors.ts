// Typed errors of @sigil/crypto-core: one class, a literal code per failure kind.

/** Every error code crypto-core throws; callers `switch` on `error.code`. */
export type CryptoErrorCode =
  | 'ERR_INVALID_INPUT'
  | 'ERR_UNSUPPORTED_ALGORITHM'
  | 'ERR_UNSUPPORTED_KEY'
  | 'ERR_KEY_MISMATCH'
  | 'ERR_DER_DECODE'
  | 'ERR_PEM_DECODE'
  | 'ERR_JWK_INVALID'
  | 'ERR_RSA_KEY_INVALID'
  | 'ERR_RSA_MESSAGE_TOO_LONG'
  | 'ERR_RSA_ENCODE'
  | 'ERR_RSA_FAULT'
  | 'ERR_SIGNATURE_FORMAT'
  | 'ERR_JWS_INVALID'
  | 'ERR_ENCODING';

/** The one error class of crypto-core. `code` is stable; `message` is for people. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A DER parse failure, with the byte offset where it happened. */
export class DerError extends CryptoError {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('ERR_DER_DECODE', `${message} at offset ${offset}`);
    this.offset = offset;
  }
}

/** True when `error` is a crypto-core error with the given code (checks the code, not the class). */
export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  if (candidate.name !== 'CryptoError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}
